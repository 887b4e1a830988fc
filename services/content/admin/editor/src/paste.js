// Cleans HTML pasted from Word or Google Docs before the editor reads it:
// their styles, classes, smart tags and list hacks go; the structure
// (paragraphs, headings, bold and italic, lists, tables, links) stays.

import { allowedHref, isLibraryImage } from './addresses.js';

// The attributes each element may keep; every other one goes.
const KEEP = {
  A: ['href'],
  IMG: ['src', 'alt'],
  TD: ['colspan', 'rowspan'],
  TH: ['colspan', 'rowspan'],
};
// Removed with their content: never text of the item.
const DROP = 'style, script, meta, link, title, xml, template, iframe, object, embed, svg';

/** Cleans pasted `html`; runs on an inert document, so nothing loads. */
export function cleanPastedHtml(html) {
  const doc = document.implementation.createHTMLDocument('');
  doc.body.innerHTML = stripConditionalComments(html);
  const body = doc.body;

  body.querySelectorAll(DROP).forEach((el) => el.remove());
  removeComments(doc, body);
  wordLists(doc, body);
  for (const el of [...body.querySelectorAll('*')]) {
    // Office's own tags: <o:p> is an empty paragraph mark, the rest
    // (smart tags, <st1:place>) wrap text worth keeping.
    if (el.tagName.includes(':')) {
      if (el.tagName === 'O:P') el.remove();
      else unwrap(el);
    }
  }
  googleDocsWrapper(body);
  inlineStylesToTags(doc, body);
  body.querySelectorAll('h1').forEach((h1) => rename(doc, h1, 'h2'));
  body.querySelectorAll('font, span').forEach(unwrap);
  body.querySelectorAll('a').forEach((a) => {
    if (!allowedHref(a.getAttribute('href'))) unwrap(a);
  });
  // Pasted pictures point at the author's disk or are inline data: the
  // server would drop them, and an image without a description blocks
  // saving. Photos come from the commune's library instead.
  body.querySelectorAll('img').forEach((img) => {
    if (!isLibraryImage(img.getAttribute('src')) || !(img.getAttribute('alt') ?? '').trim()) img.remove();
  });
  body.querySelectorAll('*').forEach(keepOnlyAllowedAttributes);
  body.querySelectorAll('p').forEach((p) => {
    if (p.textContent.replace(/[\s\u00a0]/g, '') === '' && !p.querySelector('img')) p.remove();
  });
  return body.innerHTML;
}

/**
 * Word's conditional comments hold VML, fallbacks and settings: none is
 * text. `<![if !supportLists]>…<![endif]>` holds a list item's bullet or
 * number, kept marked so that the list's kind can be read from it.
 */
function stripConditionalComments(html) {
  return html
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, '')
    .replace(/<!\[if !supportLists\]>([\s\S]*?)<!\[endif\]>/gi, '<span data-list-marker="">$1</span>')
    .replace(/<!\[(?:end)?if[^\]]*\]>/gi, '');
}

function removeComments(doc, root) {
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((comment) => comment.remove());
}

/** Word's level and list of a paragraph (`mso-list:l0 level2 lfo1`), or null. */
function wordListInfo(el) {
  const list = declarations(el).get('mso-list') ?? '';
  const match = /^(l\d+)\s+level(\d+)/.exec(list);
  return match ? { list: match[1], level: Number(match[2]) } : null;
}

/**
 * Word writes a list as paragraphs, each with its bullet or number as text
 * in front: consecutive ones become a real (nested) <ul> or <ol>.
 */
function wordLists(doc, body) {
  const paragraphs = [...body.querySelectorAll('p, h1, h2, h3, h4, h5, h6')].filter(wordListInfo);
  const done = new Set();
  for (const first of paragraphs) {
    if (done.has(first)) continue;
    const run = [first];
    let next = first.nextElementSibling;
    while (next && wordListInfo(next) && wordListInfo(next).list === wordListInfo(first).list) {
      run.push(next);
      next = next.nextElementSibling;
    }
    const kind = (p) => (/^\(?[0-9a-zA-Z]{1,4}[.)]/.test(marker(p)) ? 'ol' : 'ul');
    const top = doc.createElement(kind(first));
    first.before(top);
    const stack = [{ list: top, level: wordListInfo(first).level }];
    for (const p of run) {
      done.add(p);
      const { level } = wordListInfo(p);
      const ordered = kind(p);
      p.querySelectorAll('[data-list-marker], [style*="mso-list:Ignore" i], [style*="mso-list: Ignore" i]').forEach((m) => m.remove());
      while (level > stack.at(-1).level && stack.at(-1).list.lastElementChild) {
        const nested = doc.createElement(ordered);
        stack.at(-1).list.lastElementChild.append(nested);
        stack.push({ list: nested, level: stack.at(-1).level + 1 });
      }
      while (level < stack.at(-1).level && stack.length > 1) stack.pop();
      const item = doc.createElement('li');
      item.append(...p.childNodes);
      stack.at(-1).list.append(item);
      p.remove();
    }
  }
}

/** The bullet or number Word put in front of a list paragraph's text. */
function marker(p) {
  const el = p.querySelector('[data-list-marker], [style*="mso-list:Ignore" i], [style*="mso-list: Ignore" i]');
  return (el ? el.textContent : p.textContent).replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Google Docs wraps a whole copy in a <b> that is not bold. */
function googleDocsWrapper(body) {
  body.querySelectorAll('b[id^="docs-internal-guid"]').forEach(unwrap);
}

/** Bold and italic given as styles (Google Docs does) become tags. */
function inlineStylesToTags(doc, body) {
  body.querySelectorAll('span[style], font[style]').forEach((el) => {
    const style = declarations(el);
    if (style.get('font-style') === 'italic') wrapContents(doc, el, 'em');
    if (/^(bold|bolder|[6-9]00)$/.test(style.get('font-weight') ?? '')) wrapContents(doc, el, 'strong');
  });
  // A "bold" element styled back to normal weight (Docs, some Word copies).
  body.querySelectorAll('b[style], strong[style]').forEach((el) => {
    if (/^(normal|[1-4]00)$/.test(declarations(el).get('font-weight') ?? '')) unwrap(el);
  });
}

/**
 * An element's style declarations by property, lower case: Word's own
 * `mso-bidi-font-weight:normal` is not a `font-weight`.
 */
function declarations(el) {
  const found = new Map();
  for (const part of (el.getAttribute('style') ?? '').split(';')) {
    const colon = part.indexOf(':');
    if (colon > 0) found.set(part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).trim().toLowerCase());
  }
  return found;
}

function wrapContents(doc, el, tag) {
  const wrapper = doc.createElement(tag);
  wrapper.append(...el.childNodes);
  el.append(wrapper);
}

function keepOnlyAllowedAttributes(el) {
  const keep = KEEP[el.tagName] ?? [];
  for (const name of el.getAttributeNames()) {
    if (!keep.includes(name)) el.removeAttribute(name);
  }
}

function unwrap(el) {
  el.replaceWith(...el.childNodes);
}

function rename(doc, el, tag) {
  const renamed = doc.createElement(tag);
  renamed.append(...el.childNodes);
  el.replaceWith(renamed);
}
