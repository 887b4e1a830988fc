// The editor's schema: what the server's cleaning keeps (paragraphs,
// headings, bold and italic, lists, links, tables, the library's images)
// and nothing it would throw away, so what is seen is what is saved.

import StarterKit from '@tiptap/starter-kit';
import Image from '@tiptap/extension-image';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import { allowedHref } from './addresses.js';

// Tab moves between cells but never adds a row, so the last cell lets
// keyboard users leave the table (and the editor) as they expect.
const KeyboardFriendlyTable = Table.extend({
  addKeyboardShortcuts() {
    return {
      ...this.parent?.(),
      Tab: () => this.editor.commands.goToNextCell(),
      'Shift-Tab': () => this.editor.commands.goToPreviousCell(),
    };
  },
});

export function extensions() {
  return [
    StarterKit.configure({
      // Not kept by the server's cleaning: offering them would lose work.
      blockquote: false,
      code: false,
      codeBlock: false,
      horizontalRule: false,
      strike: false,
      underline: false,
      // Every level the server keeps, so that no saved text loses one; the
      // toolbar offers only h2 and h3, as h1 is the item's title.
      heading: { levels: [1, 2, 3, 4, 5, 6] },
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: 'https',
        protocols: ['mailto', 'tel'],
        isAllowedUri: (url) => allowedHref(url),
        shouldAutoLink: (url) => allowedHref(url),
        HTMLAttributes: { target: null, rel: null, class: null },
      },
    }),
    Image.configure({ inline: false, allowBase64: false }),
    KeyboardFriendlyTable.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
  ];
}
