// Opens a commune's home page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) and checks what a person would see.
//
//   node tests/browser/home.mjs <url> <expected commune name>
//
// Prints one line per check, `ok <check>` or `FAIL <check>: <detail>`.
// Exits 0 when every check passed, 1 when any failed, 2 on a crash (the
// browser did not start, a bad command line, the whole run took too long).

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE = fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Each browser action (launch, navigation, locator) gives up after this.
const STEP_TIMEOUT_MS = 15_000;
// The whole run gives up after this (the Rust test waits 120 s).
const RUN_TIMEOUT_MS = 90_000;
// A phone held upright: the narrowest screen still in common use.
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const [url, name] = process.argv.slice(2);
if (!url || !name) {
  console.error('usage: node tests/browser/home.mjs <url> <expected commune name>');
  process.exit(2);
}

let failed = 0;

/** Runs one check: `fn` returns nothing when it holds, or what is wrong. */
async function check(label, fn) {
  let problem;
  try {
    problem = await fn();
  } catch (error) {
    problem = firstLine(error);
  }
  if (problem === undefined || problem === null || problem === true) {
    console.log(`ok ${label}`);
  } else {
    failed += 1;
    console.log(`FAIL ${label}: ${problem}`);
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

const squash = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: 'load' });
  return { context, page, response };
}

async function run(browser) {
  // --- As a person on a computer sees it (the page's own CSP in force). ---
  let desktop;
  try {
    desktop = await newPage(browser, { viewport: { width: 1280, height: 800 } });
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
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { problem: 'nothing is focused' };
      const describe = `<${el.tagName.toLowerCase()}> ${JSON.stringify((el.textContent ?? '').trim())}`;
      const href = el.getAttribute('href') ?? '';
      if (el.tagName !== 'A' || !href.startsWith('#')) return { problem: `focused ${describe}, not a link to #…` };
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      const main = document.querySelector('main, [role="main"]');
      if (!target) return { problem: `${describe} points to ${href}, which is not on the page` };
      if (!main || !(target === main || main.contains(target) || target.contains(main))) {
        return { problem: `${describe} points to ${href}, which is not the main content` };
      }
      const box = el.getBoundingClientRect();
      const onScreen = box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 &&
        box.right <= window.innerWidth && box.bottom <= window.innerHeight;
      if (!onScreen) return { problem: `${describe} is focused but not on screen` };
      return { href };
    });
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
      const layout = await phone.evaluate((width) => {
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > width + 0.5)
          .slice(0, 5)
          .map((el) => `<${el.tagName.toLowerCase()}${el.getAttribute('class') ? ` class="${el.getAttribute('class')}"` : ''}>`);
        return {
          // A phone zooms out to fit a page wider than its screen, so the
          // layout viewport grows too.
          width: Math.max(window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth),
          viewportMeta: document.querySelector('meta[name="viewport"]')?.getAttribute('content') ?? null,
          wide,
        };
      }, PHONE.viewport.width);
      if (layout.width > PHONE.viewport.width) {
        const why = layout.viewportMeta === null
          ? 'there is no <meta name="viewport">'
          : `too wide: ${layout.wide.join(', ') || '(no single element)'}`;
        return `the page is ${layout.width}px wide on a ${PHONE.viewport.width}px screen; ${why}`;
      }
    } finally {
      await context.close();
    }
  });

  // --- axe-core, injected past the page's CSP (it forbids inline scripts). ---
  await check(`axe-core finds no violations (${AXE_TAGS.join(', ')})`, async () => {
    const { context, page: audited } = await newPage(browser, { bypassCSP: true, viewport: { width: 1280, height: 800 } });
    try {
      await audited.addScriptTag({ path: AXE });
      const violations = await audited.evaluate(async (tags) => {
        const results = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return results.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`),
        }));
      }, AXE_TAGS);
      if (violations.length > 0) {
        const lines = violations.map((v) => `\n  ${v.id} [${v.impact}] ${v.help}\n    ${v.nodes.join('\n    ')}`);
        return `${violations.length} violation(s):${lines.join('')}`;
      }
    } finally {
      await context.close();
    }
  });
}

let browser;
let crashed = false;
const watchdog = setTimeout(async () => {
  console.error(`crash: the checks took longer than ${RUN_TIMEOUT_MS / 1000} s`);
  await Promise.race([browser?.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => {});
  process.exit(2);
}, RUN_TIMEOUT_MS);

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: STEP_TIMEOUT_MS,
  });
  await run(browser);
} catch (error) {
  crashed = true;
  console.error(`crash: ${error?.stack ?? error}`);
} finally {
  if (browser) await browser.close().catch((error) => console.error(`closing the browser: ${firstLine(error)}`));
  clearTimeout(watchdog);
}

process.exitCode = crashed ? 2 : failed > 0 ? 1 : 0;
