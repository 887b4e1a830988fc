// Puts the editor in place of one text area: toolbar and editable text
// above it, the text area hidden but kept in the form and written on every
// change, so posting the form is what saves the text.

import { Editor } from '@tiptap/core';
import { extensions } from './extensions.js';
import { imageDialog } from './image-dialog.js';
import { linkDialog } from './link-dialog.js';
import { h } from './dom.js';
import { cleanPastedHtml } from './paste.js';
import { toolbar } from './toolbar.js';
import { tidy } from './output.js';

// Parts of a body that the editor has no place for (captions of figures and
// tables): opening such a text in it would drop them on the next save.
const UNKEPT = /<(figcaption|caption)[\s>]/i;

export function mount(textarea, prefix) {
  if (UNKEPT.test(textarea.value)) {
    textarea.insertAdjacentElement('beforebegin', h('p', {
      class: 'hint',
      text: 'Bài này có chú thích ảnh hoặc tiêu đề bảng mà trình soạn thảo chưa giữ được, nên được sửa ở dạng mã HTML.',
    }));
    return;
  }

  const label = textarea.labels?.[0] ?? null;
  const describedBy = textarea.getAttribute('aria-describedby');
  const areaId = `${prefix}-van-ban`;
  const holder = h('div', { class: 'bt-vung-soan' });
  const frame = h('div', { class: 'bt-khung' });
  textarea.before(frame);

  // The label now names the editable text instead of the hidden text area,
  // so that assistive technology and "click the label" reach what is typed in.
  let labelledBy = null;
  if (label) {
    label.id ||= `${prefix}-nhan`;
    labelledBy = label.id;
    label.removeAttribute('for');
  }

  const editor = new Editor({
    element: holder,
    extensions: extensions(),
    content: textarea.value,
    editorProps: {
      attributes: {
        id: areaId,
        class: 'bt-van-ban',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': 'Nội dung' }),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      },
      transformPastedHTML: cleanPastedHtml,
    },
  });

  const dialogs = { link: linkDialog(editor, prefix), image: imageDialog(editor, prefix) };
  const bar = toolbar(editor, dialogs, areaId);
  frame.append(bar.element, holder);
  // The dialogs' forms may not sit inside the item's form.
  (textarea.form ?? frame).after(dialogs.link.dialog, dialogs.image.dialog);

  // Until something is changed the text area keeps exactly what the server
  // sent, so opening and saving an item never rewrites it.
  const initialDoc = editor.state.doc;
  const sync = () => {
    textarea.value = tidy(editor.getHTML());
  };
  editor.on('update', sync);
  textarea.form?.addEventListener('submit', () => {
    if (editor.state.doc !== initialDoc) sync();
  });
  editor.on('transaction', bar.update);
  editor.on('selectionUpdate', bar.update);
  editor.on('focus', bar.update);

  editor.view.dom.addEventListener('keydown', (event) => {
    // Ctrl+K: the usual shortcut for a link; Alt+F10: to the toolbar.
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      dialogs.link.open();
    } else if (event.altKey && event.key === 'F10') {
      event.preventDefault();
      bar.focus();
    }
  });
  label?.addEventListener('click', () => editor.commands.focus());

  textarea.hidden = true;
  frame.classList.add('bt-san-sang');
  return editor;
}
