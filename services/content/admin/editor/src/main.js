// Turns every body text area marked data-bien-tap into the rich-text
// editor. The text area stays in the form and is what gets posted, so the
// page works the same without this script. Forms marked data-ban-nhap are
// then guarded against losing what is typed.

import { guard } from './drafts.js';
import { mount } from './mount.js';
import { injectStyles } from './styles.js';

const editors = new Map();
const areas = document.querySelectorAll('textarea[data-bien-tap]');
if (areas.length > 0) {
  injectStyles();
  areas.forEach((textarea, index) => {
    const editor = mount(textarea, `bt${index + 1}`);
    if (editor) editors.set(textarea, editor);
  });
}
document.querySelectorAll('form[data-ban-nhap]').forEach((form) => guard(form, editors));
