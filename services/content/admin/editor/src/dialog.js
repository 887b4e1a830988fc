// A native modal <dialog> with a title, a form, an error line and the two
// buttons every one of the editor's questions has. The browser keeps focus
// inside it and closes it with Escape; focus then goes back to the text.

import { h } from './dom.js';

/**
 * `fields` are the form's contents; `onSubmit()` returns an error message
 * to show, or nothing when it did its work and the dialog may close.
 */
export function modal({ id, title, fields, submitLabel, onSubmit, onClose }) {
  const titleId = `${id}-tieu-de`;
  const errorId = `${id}-loi`;
  const error = h('p', { id: errorId, class: 'bt-loi', role: 'alert', hidden: true });
  const form = h('form', { novalidate: true },
    h('h2', { id: titleId, text: title }),
    ...fields,
    error,
    h('div', { class: 'bt-nut-hop-thoai' },
      h('button', { type: 'submit', class: 'primary', text: submitLabel }),
      h('button', { type: 'button', class: 'secondary', text: 'Hủy', onclick: () => dialog.close() })));
  const dialog = h('dialog', { id, class: 'bt-hop-thoai', 'aria-labelledby': titleId }, form);

  const showError = (message) => {
    error.textContent = message ?? '';
    error.hidden = !message;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problem = await onSubmit();
    if (problem) showError(problem);
    else dialog.close();
  });
  dialog.addEventListener('close', () => {
    showError(null);
    onClose?.();
  });
  return {
    dialog,
    showError,
    open() {
      showError(null);
      dialog.showModal();
    },
  };
}
