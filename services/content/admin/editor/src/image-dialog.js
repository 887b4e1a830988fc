// "Chèn ảnh": lists the commune's images from its library and inserts the
// chosen one with the description people who cannot see it will hear. The
// server refuses an image without one, so the dialog does too.

import { Selection, TextSelection } from '@tiptap/pm/state';
import { modal } from './dialog.js';
import { h } from './dom.js';

const LIBRARY = '/quan-tri/tep/anh.json';
const UPLOAD_PAGE = '/quan-tri/tep';

export function imageDialog(editor, prefix) {
  const altId = `${prefix}-mo-ta-anh`;
  const list = h('div', { class: 'bt-thu-vien' });
  const choices = h('fieldset', {}, h('legend', { text: 'Chọn ảnh trong thư viện của xã' }), list);
  const alt = h('input', { id: altId, type: 'text', required: true, maxlength: '300', autocomplete: 'off' });
  const { dialog, open } = modal({
    id: `${prefix}-chen-anh`,
    title: 'Chèn ảnh',
    submitLabel: 'Chèn ảnh',
    fields: [
      choices,
      h('label', { for: altId, text: 'Mô tả ảnh (cho người không xem được ảnh)' }),
      alt,
    ],
    onSubmit() {
      const chosen = list.querySelector('input[type=radio]:checked');
      if (!chosen) return 'Hãy chọn một ảnh trong thư viện.';
      const description = alt.value.trim();
      if (!description) {
        alt.setAttribute('aria-invalid', 'true');
        alt.focus();
        return 'Hãy viết mô tả ảnh: người dùng trình đọc màn hình chỉ nghe được phần mô tả này.';
      }
      alt.removeAttribute('aria-invalid');
      editor.chain().focus().setImage({ src: chosen.value, alt: description }).command(caretBelow).run();
      return null;
    },
    onClose: () => editor.commands.focus(),
  });

  /**
   * The inserted image would stay selected, and the next key typed would
   * replace it: the caret goes to the text below it (a new paragraph when
   * it is the last thing).
   */
  function caretBelow({ tr }) {
    const after = tr.selection.to;
    let below = Selection.findFrom(tr.doc.resolve(after), 1, true);
    if (!below) {
      tr.insert(after, editor.schema.nodes.paragraph.create());
      below = TextSelection.create(tr.doc, after + 1);
    }
    tr.setSelection(below);
    return true;
  }

  async function load() {
    list.replaceChildren(h('p', { role: 'status', text: 'Đang tải danh sách ảnh…' }));
    let images;
    try {
      const response = await fetch(LIBRARY, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(String(response.status));
      images = await response.json();
    } catch {
      list.replaceChildren(h('p', { class: 'bt-loi', role: 'alert', text: 'Không tải được danh sách ảnh. Hãy thử lại sau.' }));
      return;
    }
    if (images.length === 0) {
      list.replaceChildren(h('p', {},
        'Thư viện của xã chưa có ảnh nào. Hãy tải ảnh lên ở trang ',
        h('a', { href: UPLOAD_PAGE, text: 'Tệp, hình ảnh' }),
        ' rồi quay lại chèn ảnh.'));
      return;
    }
    list.replaceChildren(...images.map((image, index) => {
      const id = `${prefix}-anh-${index + 1}`;
      return h('div', { class: 'bt-anh' },
        h('input', { type: 'radio', name: `${prefix}-anh`, id, value: image.href }),
        h('label', { for: id },
          // The file name beside it names the choice; the picture is a preview.
          h('img', { src: image.href, alt: '', loading: 'lazy' }),
          h('span', { text: image.filename })));
    }));
  }

  return {
    dialog,
    open() {
      alt.value = '';
      alt.removeAttribute('aria-invalid');
      open();
      load().then(() => list.querySelector('input[type=radio]')?.focus());
    },
  };
}
