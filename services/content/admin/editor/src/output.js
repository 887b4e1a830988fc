// The editor's HTML as the text area posts it: the layout hints the editor
// adds for itself (column groups, widths, default spans) left out, and a
// table's first row of headers marked as such for screen readers.

/** Tidies `html` from the editor; an empty document is an empty string. */
export function tidy(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  const root = template.content;
  root.querySelectorAll('colgroup').forEach((el) => el.remove());
  root.querySelectorAll('[style]').forEach((el) => el.removeAttribute('style'));
  root.querySelectorAll('td, th').forEach((cell) => {
    for (const name of ['colspan', 'rowspan']) {
      if (cell.getAttribute(name) === '1') cell.removeAttribute(name);
    }
  });
  root.querySelectorAll('table').forEach(headerRow);
  const text = template.innerHTML.trim();
  return text === '<p></p>' ? '' : text;
}

/** Moves a first row made only of header cells into <thead>. */
function headerRow(table) {
  const first = table.querySelector('tr');
  if (!first || first.parentElement?.tagName !== 'TBODY') return;
  const cells = [...first.children];
  if (cells.length === 0 || !cells.every((cell) => cell.tagName === 'TH')) return;
  cells.forEach((cell) => cell.setAttribute('scope', 'col'));
  const head = document.createElement('thead');
  head.append(first);
  table.insertBefore(head, table.querySelector('tbody'));
}
