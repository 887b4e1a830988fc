// Turns every body text area marked data-bien-tap into the rich-text
// editor. The text area stays in the form and is what gets posted, so the
// page works the same without this script.

import { mount } from './mount.js';
import { injectStyles } from './styles.js';

const areas = document.querySelectorAll('textarea[data-bien-tap]');
if (areas.length > 0) {
  injectStyles();
  areas.forEach((textarea, index) => mount(textarea, `bt${index + 1}`));
}
