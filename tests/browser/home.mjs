// Opens a commune's home page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) and checks what a person would see.
//
//   node tests/browser/home.mjs <url> <expected commune name>
//
// Prints one line per check, `ok <check>` or `FAIL <check>: <detail>`.
// Exits 0 when every check passed, 1 when any failed, 2 on a crash (the
// browser did not start, a bad command line, the whole run took too long).

import {
  AXE, AXE_TAGS, DESKTOP, PHONE,
  axeProblem, axeRun, check, firstLine, newContext, phoneOverflow, runChecks, skipLink, squash,
} from './lib.mjs';

// The whole run gives up after this (the Rust test waits 120 s).
const RUN_TIMEOUT_MS = 90_000;

const [url, name] = process.argv.slice(2);
if (!url || !name) {
  console.error('usage: node tests/browser/home.mjs <url> <expected commune name>');
  process.exit(2);
}

async function newPage(browser, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: 'load' });
  return { context, page, response };
}

async function run(browser) {
  // --- As a person on a computer sees it (the page's own CSP in force). ---
  let desktop;
  try {
    desktop = await newPage(browser, DESKTOP);
  } catch (error) {
    await check('HTTP status 200', () => `the page did not load: ${firstLine(error)}`);
    return;
  }
  const { page, response } = desktop;

  await check('HTTP status 200', () => {
    const status = response?.status();
    if (status !== 200) return `got ${status ?? 'no response'}`;
  });

  await check('<html lang="vi">', async () => {
    const lang = await page.locator('html').getAttribute('lang');
    if (lang !== 'vi') return `lang is ${JSON.stringify(lang)}`;
  });

  await check('title contains the commune name', async () => {
    const title = await page.title();
    if (!title.includes(name)) return `title is ${JSON.stringify(title)}`;
  });

  await check('exactly one visible h1, with the commune name', async () => {
    const texts = (await page.locator('h1').filter({ visible: true }).allInnerTexts()).map(squash);
    if (texts.length !== 1) return `${texts.length} visible h1: ${JSON.stringify(texts)}`;
    if (!texts[0].includes(name)) return `h1 is ${JSON.stringify(texts[0])}`;
  });

  await check('a named navigation with the link "Trang chủ"', async () => {
    const navs = page.getByRole('navigation', { name: /\S/ });
    const count = await navs.count();
    if (count === 0) {
      const unnamed = await page.getByRole('navigation').count();
      return unnamed ? `${unnamed} navigation landmark(s), none with an accessible name` : 'no navigation landmark';
    }
    const home = navs.getByRole('link', { name: 'Trang chủ', exact: true });
    if ((await home.count()) === 0) return 'no link "Trang chủ" in a named navigation';
    if (!(await home.first().isVisible())) return 'the link "Trang chủ" is not visible';
  });

  await check('the first Tab focuses a visible skip link to the main content', async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(skipLink, { aroundMain: true });
    if (focused.problem) return focused.problem;
    await page.keyboard.press('Enter');
    const hash = await page.evaluate(() => location.hash);
    if (hash !== focused.href) return `pressing Enter on the skip link led to ${JSON.stringify(hash)}`;
  });

  await check('one main landmark', async () => {
    const count = await page.getByRole('main').count();
    if (count !== 1) return `${count} main landmarks`;
  });

  await check('a footer with the commune name', async () => {
    const footer = page.getByRole('contentinfo');
    const count = await footer.count();
    if (count !== 1) return `${count} footer (contentinfo) landmarks`;
    const text = squash(await footer.innerText());
    if (!text.includes(name)) return `the footer says ${JSON.stringify(text.slice(0, 200))}`;
  });

  await check('body text is at least 16px', async () => {
    const size = await page.evaluate(() => getComputedStyle(document.body).fontSize);
    if (!(parseFloat(size) >= 16)) return `body font size is ${size}`;
  });

  await desktop.context.close();

  // --- With JavaScript turned off. ---
  await check('without JavaScript the h1 still shows', async () => {
    const { context, page: noJs, response: noJsResponse } = await newPage(browser, { javaScriptEnabled: false });
    try {
      if (noJsResponse?.status() !== 200) return `got ${noJsResponse?.status() ?? 'no response'}`;
      const texts = (await noJs.locator('h1').filter({ visible: true }).allInnerTexts()).map(squash);
      if (!texts.some((text) => text.includes(name))) return `visible h1: ${JSON.stringify(texts)}`;
    } finally {
      await context.close();
    }
  });

  // --- On a phone 360 px wide. ---
  await check('no horizontal scroll on a 360px-wide phone', async () => {
    const { context, page: phone } = await newPage(browser, PHONE);
    try {
      return await phoneOverflow(phone);
    } finally {
      await context.close();
    }
  });

  // --- axe-core, injected past the page's CSP (it forbids inline scripts). ---
  await check(`axe-core finds no violations (${AXE_TAGS.join(', ')})`, async () => {
    const { context, page: audited } = await newPage(browser, { bypassCSP: true, ...DESKTOP });
    try {
      await audited.addScriptTag({ path: AXE });
      const { violations } = await axeRun(audited);
      return axeProblem(violations);
    } finally {
      await context.close();
    }
  });
}

await runChecks(run, RUN_TIMEOUT_MS);
