// What the browser scripts share: Chromium launched under a watchdog, one
// `ok`/`FAIL` line per check and the exit code, and the checks made the same
// way on every page (skip link, axe-core, no horizontal scroll on a phone).

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
export const AXE = fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url));
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Each browser action (launch, navigation, locator) gives up after this.
const STEP_TIMEOUT_MS = 15_000;
export const DESKTOP = { viewport: { width: 1280, height: 800 } };
// A phone held upright: the narrowest screen still in common use.
export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let failed = 0;

/**
 * Runs one check: `fn` returns nothing when it holds, or what is wrong.
 * Returns whether it held, so that checks depending on it can be skipped.
 */
export async function check(label, fn) {
  let problem;
  try {
    problem = await fn();
  } catch (error) {
    problem = firstLine(error);
  }
  if (problem === undefined || problem === null || problem === true) {
    console.log(`ok ${label}`);
    return true;
  }
  failed += 1;
  console.log(`FAIL ${label}: ${problem}`);
  return false;
}

export function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

export const squash = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

/** A browser context in Vietnamese whose every action gives up in time. */
export async function newContext(browser, options) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

/**
 * Runs in the page: whether the focused element is a visible skip link.
 * `aroundMain` also accepts a target that contains the main landmark (the
 * home page's check does; the console's checks instead that focus then
 * lands inside the main landmark).
 */
export function skipLink({ aroundMain = false } = {}) {
  const el = document.activeElement;
  if (!el || el === document.body) return { problem: 'nothing is focused' };
  const describe = `<${el.tagName.toLowerCase()}> ${JSON.stringify((el.textContent ?? '').trim())}`;
  const href = el.getAttribute('href') ?? '';
  if (el.tagName !== 'A' || !href.startsWith('#')) return { problem: `focused ${describe}, not a link to #…` };
  const target = document.getElementById(decodeURIComponent(href.slice(1)));
  const main = document.querySelector('main, [role="main"]');
  if (!target) return { problem: `${describe} points to ${href}, which is not on the page` };
  if (!main || !(target === main || main.contains(target) || (aroundMain && target.contains(main)))) {
    return { problem: `${describe} points to ${href}, which is not the main content` };
  }
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 &&
    box.right <= window.innerWidth && box.bottom <= window.innerHeight;
  if (!onScreen) return { problem: `${describe} is focused but not on screen` };
  return { href };
}

/**
 * Runs axe-core, already in the page, with the rules of AXE_TAGS: how many
 * rules passed, and each violation with up to five of its elements.
 */
export async function axeRun(page) {
  return page.evaluate(async (tags) => {
    const results = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return {
      passes: results.passes.length,
      violations: results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`),
      })),
    };
  }, AXE_TAGS);
}

/** axe-core's violations as a check's problem; nothing when there are none. */
export function axeProblem(violations) {
  if (violations.length > 0) {
    const lines = violations.map((v) => `\n  ${v.id} [${v.impact}] ${v.help}\n    ${v.nodes.join('\n    ')}`);
    return `${violations.length} violation(s):${lines.join('')}`;
  }
}

/**
 * Whether a page open on a PHONE scrolls sideways: nothing when it fits,
 * or how wide it is and why. `describe` names an element that sticks out
 * from its `tag` (`<div class="…">`) and the start of its `text`.
 */
export async function phoneOverflow(phone, describe = ({ tag }) => tag) {
  const layout = await phone.evaluate((width) => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((el) => ({
        tag: `<${el.tagName.toLowerCase()}${el.getAttribute('class') ? ` class="${el.getAttribute('class')}"` : ''}>`,
        text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30),
      }));
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
      : `too wide: ${layout.wide.map(describe).join(', ') || '(no single element)'}`;
    return `the page is ${layout.width}px wide on a ${PHONE.viewport.width}px screen; ${why}`;
  }
}

/**
 * Launches Chromium, calls `run(browser)` and sets the exit code: 0 when
 * every check passed, 1 when any failed, 2 on a crash. A watchdog ends the
 * whole run after `runTimeoutMs`, as a hung browser would never return.
 */
export async function runChecks(run, runTimeoutMs) {
  let browser;
  let crashed = false;
  const watchdog = setTimeout(async () => {
    console.error(`crash: the checks took longer than ${runTimeoutMs / 1000} s`);
    await Promise.race([browser?.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]).catch(() => {});
    process.exit(2);
  }, runTimeoutMs);

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
}
