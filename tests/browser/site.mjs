// Opens every page type of a commune's site in headless Chromium and checks
// each the same way: it loads, speaks Vietnamese, has one visible h1, a
// working skip link, no axe-core WCAG 2.1 A/AA violation, fits a 360px phone
// and still shows its h1 with JavaScript off. Also presses the theme's
// A+ and contrast controls once.
//
//   node tests/browser/site.mjs <base url> <path> [<path>…]
//
// A path written `404:/x` is expected to answer 404 (the themed page).
// SITE_COOKIE="name=value" signs every page in (the board's workspace).
//
// Prints one line per check, `ok <check>` or `FAIL <check>: <detail>`.
// Exits 0 when every check passed, 1 when any failed, 2 on a crash.

import {
  AXE, DESKTOP, PHONE,
  axeProblem, axeRun, check, firstLine, newContext, phoneOverflow, runChecks, skipLink, squash,
} from './lib.mjs';

const RUN_TIMEOUT_MS = 240_000;

const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error('usage: node tests/browser/site.mjs <base url> <path> [<path>…]');
  process.exit(2);
}

/** A context of `browser`, signed in when SITE_COOKIE says so. */
async function context(browser, options) {
  const made = await newContext(browser, options);
  const cookie = process.env.SITE_COOKIE;
  if (cookie) {
    const [name, value] = cookie.split('=');
    await made.addCookies([{ name, value, domain: new URL(base).hostname, path: '/' }]);
  }
  return made;
}

async function checkPage(browser, given) {
  const expected = given.startsWith('404:') ? 404 : 200;
  const path = given.replace(/^404:/, '');
  const url = new URL(path, base).toString();
  // On a computer, axe-core injected past the page's CSP.
  const desktop = await context(browser, { bypassCSP: true, ...DESKTOP });
  try {
    const page = await desktop.newPage();
    let response;
    const loaded = await check(`${path}: loads with status ${expected}`, async () => {
      response = await page.goto(url, { waitUntil: 'load' });
      if (response?.status() !== expected) return `got ${response?.status() ?? 'no response'}`;
    });
    if (!loaded) return;
    await check(`${path}: lang="vi" and one visible h1`, async () => {
      const lang = await page.locator('html').getAttribute('lang');
      if (lang !== 'vi') return `lang is ${JSON.stringify(lang)}`;
      const h1 = (await page.locator('h1').filter({ visible: true }).allInnerTexts()).map(squash);
      if (h1.length !== 1) return `${h1.length} visible h1: ${JSON.stringify(h1)}`;
    });
    await check(`${path}: the first Tab focuses the skip link`, async () => {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(skipLink, { aroundMain: false });
      if (focused.problem) return focused.problem;
    });
    await check(`${path}: axe-core finds no WCAG 2.1 A/AA violation`, async () => {
      await page.addScriptTag({ path: AXE });
      const { violations } = await axeRun(page);
      return axeProblem(violations);
    });
  } finally {
    await desktop.close();
  }
  // On a phone, with JavaScript off.
  const phone = await context(browser, { ...PHONE, javaScriptEnabled: false });
  try {
    const page = await phone.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await check(`${path}: fits a 360px phone and reads without JavaScript`, async () => {
      const h1 = await page.locator('h1').filter({ visible: true }).count();
      if (h1 !== 1) return `${h1} visible h1 without JavaScript`;
      return phoneOverflow(page);
    });
  } finally {
    await phone.close();
  }
}

async function displayControls(browser) {
  const context = await newContext(browser, DESKTOP);
  try {
    const page = await context.newPage();
    await page.goto(new URL('/', base).toString(), { waitUntil: 'load' });
    await check('A+ makes the text larger and contrast turns on, remembered on the next page', async () => {
      const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      await page.getByRole('button', { name: /tăng cỡ chữ/ }).click();
      const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      if (!(after > before)) return `font size ${before}px → ${after}px`;
      await page.getByRole('button', { name: 'Tương phản cao' }).click();
      const pressed = await page.getByRole('button', { name: 'Tương phản cao' }).getAttribute('aria-pressed');
      if (pressed !== 'true') return `aria-pressed is ${pressed}`;
      await page.goto(new URL('/van-ban', base).toString(), { waitUntil: 'load' });
      const kept = await page.evaluate(() => [document.documentElement.className, parseFloat(getComputedStyle(document.body).fontSize)]);
      if (!kept[0].includes('tuong-phan') || !(kept[1] > before)) return `next page: class "${kept[0]}", ${kept[1]}px`;
    });
  } finally {
    await context.close();
  }
}

// The home page's weight and stability (the budget): every resource
// of the first load under 150 KB on the wire, no layout shift.
async function homeBudget(browser) {
  const context = await newContext(browser, PHONE);
  try {
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', async (response) => {
      const length = Number((await response.allHeaders())['content-length'] ?? 0);
      const body = length || (await response.body().catch(() => Buffer.alloc(0))).length;
      bytes += body;
    });
    await page.addInitScript(() => {
      globalThis.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) globalThis.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(new URL('/', base).toString(), { waitUntil: 'networkidle' });
    await check('the home page loads under 150 KB in all', () => {
      if (!(bytes > 0 && bytes < 150 * 1024)) return `${bytes} bytes`;
    });
    await check('the home page does not shift while it loads', async () => {
      await page.waitForTimeout(300);
      const shift = await page.evaluate(() => globalThis.__shift);
      if (shift > 0.01) return `cumulative layout shift ${shift}`;
    });
  } finally {
    await context.close();
  }
}

async function run(browser) {
  const workspace = Boolean(process.env.SITE_COOKIE);
  if (!workspace) await homeBudget(browser);
  for (const path of paths) {
    try {
      await checkPage(browser, path);
    } catch (error) {
      await check(`${path}: checked`, () => firstLine(error));
    }
  }
  if (!workspace) await displayControls(browser);
}

await runChecks(run, RUN_TIMEOUT_MS);
