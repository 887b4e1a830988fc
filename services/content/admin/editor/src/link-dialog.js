// "Liên kết": asks for the address and links the selected text to it (or
// inserts the address itself as a link when nothing is selected).

import { allowedHref } from './addresses.js';
import { modal } from './dialog.js';
import { h } from './dom.js';

export function linkDialog(editor, prefix) {
  const inputId = `${prefix}-dia-chi`;
  const hintId = `${prefix}-dia-chi-goi-y`;
  const input = h('input', {
    id: inputId, type: 'text', inputmode: 'url', autocomplete: 'off', spellcheck: 'false',
    required: true, 'aria-describedby': hintId,
  });
  const { dialog, open } = modal({
    id: `${prefix}-lien-ket`,
    title: 'Chèn liên kết',
    submitLabel: 'Chèn liên kết',
    fields: [
      h('label', { for: inputId, text: 'Địa chỉ liên kết' }),
      h('p', {
        id: hintId, class: 'hint',
        text: 'Ví dụ: https://dichvucong.gov.vn, /thu-tuc-hanh-chinh, mailto:ubnd@xa.gov.vn hoặc tel:02253000000.',
      }),
      input,
    ],
    onSubmit() {
      const href = input.value.trim();
      if (!href) return 'Hãy nhập địa chỉ liên kết.';
      if (!allowedHref(href)) {
        return 'Địa chỉ phải bắt đầu bằng http://, https://, mailto:, tel: hoặc dấu / (một trang của xã).';
      }
      const chain = editor.chain().focus();
      if (editor.state.selection.empty && !editor.isActive('link')) {
        chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run();
      } else {
        // The caret goes after the linked words, as after typing them, so
        // the next key does not replace them.
        const { to } = editor.state.selection;
        chain.extendMarkRange('link').setLink({ href }).setTextSelection(to).run();
      }
      return null;
    },
    onClose: () => editor.commands.focus(),
  });
  return {
    dialog,
    open() {
      input.value = editor.getAttributes('link').href ?? '';
      open();
      input.focus();
    },
  };
}
