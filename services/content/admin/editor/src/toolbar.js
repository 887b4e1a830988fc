// The formatting toolbar: one Tab stop, arrow keys between its buttons (the
// ARIA toolbar pattern), each toggle saying whether it is on with
// aria-pressed, the table buttons shown only inside a table.

import { h } from './dom.js';

/**
 * The buttons, in order. `pressed` makes a toggle; `enabled` greys a button
 * out (it stays focusable); `inTable` shows it only inside a table.
 */
function buttons(editor, dialogs) {
  const chain = () => editor.chain().focus();
  return [
    { label: 'Đoạn văn', run: () => chain().setParagraph().run(), pressed: () => editor.isActive('paragraph') && !editor.isActive('listItem') },
    { label: 'Tiêu đề lớn', run: () => chain().toggleHeading({ level: 2 }).run(), pressed: () => editor.isActive('heading', { level: 2 }) },
    { label: 'Tiêu đề nhỏ', run: () => chain().toggleHeading({ level: 3 }).run(), pressed: () => editor.isActive('heading', { level: 3 }) },
    { group: true },
    { label: 'Đậm', shortcut: 'Control+B', run: () => chain().toggleBold().run(), pressed: () => editor.isActive('bold') },
    { label: 'Nghiêng', shortcut: 'Control+I', run: () => chain().toggleItalic().run(), pressed: () => editor.isActive('italic') },
    { group: true },
    { label: 'Danh sách', run: () => chain().toggleBulletList().run(), pressed: () => editor.isActive('bulletList') },
    { label: 'Danh sách số', run: () => chain().toggleOrderedList().run(), pressed: () => editor.isActive('orderedList') },
    { group: true },
    { label: 'Liên kết', shortcut: 'Control+K', run: () => dialogs.link.open() },
    { label: 'Bỏ liên kết', run: () => chain().extendMarkRange('link').unsetLink().run(), enabled: () => editor.isActive('link') },
    { label: 'Chèn ảnh', run: () => dialogs.image.open() },
    { label: 'Chèn bảng', run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), enabled: () => !editor.isActive('table') },
    { label: 'Thêm hàng', inTable: true, run: () => chain().addRowAfter().run() },
    { label: 'Xóa hàng', inTable: true, run: () => chain().deleteRow().run() },
    { label: 'Thêm cột', inTable: true, run: () => chain().addColumnAfter().run() },
    { label: 'Xóa cột', inTable: true, run: () => chain().deleteColumn().run() },
    { label: 'Xóa bảng', inTable: true, run: () => chain().deleteTable().run() },
    { group: true },
    { label: 'Hoàn tác', shortcut: 'Control+Z', run: () => chain().undo().run(), enabled: () => editor.can().undo() },
    { label: 'Làm lại', shortcut: 'Control+Shift+Z', run: () => chain().redo().run(), enabled: () => editor.can().redo() },
  ];
}

/** Builds the toolbar for `editor`; returns its element and a way to focus it. */
export function toolbar(editor, dialogs, controls) {
  const bar = h('div', {
    class: 'bt-thanh-cong-cu',
    role: 'toolbar',
    'aria-label': 'Định dạng văn bản',
    'aria-controls': controls,
  });
  const entries = [];
  for (const spec of buttons(editor, dialogs)) {
    if (spec.group) {
      bar.append(h('span', { class: 'bt-ngan', 'aria-hidden': 'true' }));
      continue;
    }
    const button = h('button', {
      type: 'button',
      tabindex: '-1',
      text: spec.label,
      'aria-keyshortcuts': spec.shortcut,
      'aria-pressed': spec.pressed ? 'false' : null,
    });
    // Keeps the text's selection while the mouse is down, so the command
    // applies to what was selected.
    button.addEventListener('mousedown', (event) => event.preventDefault());
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') === 'true') return;
      spec.run();
    });
    bar.append(button);
    entries.push({ spec, button });
  }

  const visible = () => entries.map((e) => e.button).filter((b) => !b.hidden);
  let current = entries[0].button;
  const rove = (to) => {
    current.tabIndex = -1;
    current = to;
    current.tabIndex = 0;
  };
  rove(current);
  bar.addEventListener('focusin', (event) => {
    if (event.target instanceof HTMLButtonElement) rove(event.target);
  });
  bar.addEventListener('keydown', (event) => {
    const list = visible();
    const at = list.indexOf(current);
    const to = {
      ArrowRight: list[(at + 1) % list.length],
      ArrowLeft: list[(at - 1 + list.length) % list.length],
      Home: list[0],
      End: list.at(-1),
    }[event.key];
    if (!to) return;
    event.preventDefault();
    rove(to);
    to.focus();
  });

  function update() {
    const inTable = editor.isActive('table');
    for (const { spec, button } of entries) {
      if (spec.inTable) button.hidden = !inTable;
      if (spec.pressed) button.setAttribute('aria-pressed', String(Boolean(spec.pressed())));
      if (spec.enabled) button.setAttribute('aria-disabled', String(!spec.enabled()));
    }
    // The Tab stop never stays on a button that has just been hidden.
    if (current.hidden) rove(visible()[0]);
  }
  update();
  return { element: bar, update, focus: () => current.focus() };
}
