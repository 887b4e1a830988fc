// Opens pages that carry hostile input (tests/browser/xss-vectors.json sent
// through every field) in headless Chromium with the page's CSP switched
// off, so that escaping and sanitising alone must hold: no dialog opens, and
// nothing on the page but its own holds a script, event handler or script URL.
//
//   node tests/browser/xss.mjs <base url> <path> [<path>…]
//
// SITE_COOKIE="name=value" signs the pages in (the board's workspace).
// Prints `ok`/`FAIL` lines; exits 0 when all held, 1 when any failed.

import { DESKTOP, check, firstLine, newContext, runChecks } from './lib.mjs';

const RUN_TIMEOUT_MS = 240_000;
const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error('usage: node tests/browser/xss.mjs <base url> <path> [<path>…]');
  process.exit(2);
}

/** Runs in the page: what anywhere in it (header, menu, footer, main
 * content, head) could run script, apart from the page's own: scripts the
 * site serves itself, and the head's meta, links, title and styles. */
function dangers() {
  const found = [];
  if (!document.querySelector('main')) found.push('no <main>');
  const own = (el) => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'script') {
      const src = el.getAttribute('src') ?? '';
      return src.startsWith('/') && !src.startsWith('//') && el.textContent === '';
    }
    return el.parentElement === document.head
      && ['meta', 'link', 'title', 'style'].includes(tag)
      && !(tag === 'meta' && el.hasAttribute('http-equiv'));
  };
  const risky = 'script, iframe, object, embed, base, meta, link, style, frame, frameset, applet';
  for (const el of document.querySelectorAll(risky)) {
    if (!own(el)) found.push(`<${el.tagName.toLowerCase()}>`);
  }
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) found.push(`<${el.tagName.toLowerCase()} ${name}>`);
      if (name === 'style' && /expression|javascript:|url\(/i.test(attribute.value)) found.push(`<${el.tagName.toLowerCase()} style>`);
      if (urlAttributes.includes(name) && /^\s*(javascript|vbscript|data):/i.test(attribute.value.replace(/[\u0000-\u0020]/g, ''))) {
        found.push(`<${el.tagName.toLowerCase()} ${name}="${attribute.value.slice(0, 30)}">`);
      }
    }
  }
  return found;
}

async function run(browser) {
  const context = await newContext(browser, { bypassCSP: true, ...DESKTOP });
  const cookie = process.env.SITE_COOKIE;
  if (cookie) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, domain: new URL(base).hostname, path: '/' }]);
  }
  const dialogs = [];
  context.on('page', (page) => page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); }));
  const page = await context.newPage();
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  try {
    for (const path of paths) {
      const before = dialogs.length;
      await check(`${path}: nothing injected runs`, async () => {
        const response = await page.goto(new URL(path, base).toString(), { waitUntil: 'load' });
        if (!response || response.status() >= 400) return `got ${response?.status() ?? 'no response'}`;
        // Give timers, focus and media errors a moment to fire.
        await page.mouse.move(200, 300);
        await page.keyboard.press('Tab');
        await page.waitForTimeout(150);
        const found = await page.evaluate(dangers);
        if (dialogs.length > before) return `a dialog opened: ${dialogs.slice(before).join(', ')}`;
        if (found.length > 0) return `dangerous markup: ${[...new Set(found)].slice(0, 8).join(', ')}`;
      });
    }
  } catch (error) {
    await check('the pages could be checked', () => firstLine(error));
  } finally {
    await context.close();
  }
}

await runChecks(run, RUN_TIMEOUT_MS);
