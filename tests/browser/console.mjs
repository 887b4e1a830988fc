// Uses the operators' console in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) the way a person does: signs in with a one-time
// password by filling the form, replaces the password, creates a commune,
// gives it a domain, submits a wrong one; and on every kind of console page
// checks what a keyboard user and a screen reader user rely on, with
// axe-core's WCAG 2.1 AA rules.
//
//   node tests/browser/console.mjs <console url> <e-mail> <one-time password>
//
// Prints one line per check, `ok <check>` or `FAIL <check>: <detail>`.
// Exits 0 when every check passed, 1 when any failed, 2 on a crash (the
// browser did not start, a bad command line, the whole run took too long).

import { readFileSync } from 'node:fs';
import {
  AXE, AXE_TAGS, DESKTOP, PHONE,
  axeProblem, axeRun, check, firstLine, newContext, phoneOverflow, runChecks, skipLink, squash,
} from './lib.mjs';

// The whole run gives up after this (the Rust test waits 180 s).
const RUN_TIMEOUT_MS = 150_000;
// Every console page's title ends with this.
const TITLE_SUFFIX = ' – Bảng điều khiển vận hành';
// At least 10 characters, not only digits.
const NEW_PASSWORD = 'mật khẩu mới của vận hành';
// Tab stops walked on one page at most (the longest has about 15).
const MAX_TAB_STOPS = 80;

const COMMUNE = { name: 'Xã Quốc Tuấn', slug: 'quoctuan' };
const DOMAIN = 'quoctuan.haiphong.gov.vn';
const NOT_VN = 'example.com';
const NOT_VN_ERROR = `Tên miền “${NOT_VN}” phải thuộc tên miền quốc gia Việt Nam (.vn).`;

const [base, email, oneTimePassword] = process.argv.slice(2);
if (!base || !email || !oneTimePassword) {
  console.error('usage: node tests/browser/console.mjs <console url> <e-mail> <one-time password>');
  process.exit(2);
}
const origin = base.replace(/\/+$/, '');
const AXE_SOURCE = readFileSync(AXE, 'utf8');

/** Opens a console path; returns what went wrong, if anything. */
async function open(page, path) {
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  const status = response?.status();
  if (status !== 200) return `GET ${path} answered ${status ?? 'nothing'}`;
  const at = new URL(page.url()).pathname;
  const wanted = new URL(`${origin}${path}`).pathname;
  if (at !== wanted) return `GET ${path} ended at ${page.url()}`;
}

/** Where the page is now, as path and query. */
function here(page) {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** Waits for the page a submitted form leads to, with the status expected. */
async function submitted(page, action, pathname, expected = 200) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    action(),
  ]);
  const status = response?.status();
  const at = new URL(page.url()).pathname;
  if (at !== pathname) return `the form led to ${here(page)} (HTTP ${status ?? '?'}), not ${pathname}`;
  if (status !== expected) return `the form led to ${here(page)} with HTTP ${status ?? '?'}, not ${expected}`;
}

/** The text of the visible elements with this role, e.g. status or alert. */
async function messages(page, role) {
  return (await page.getByRole(role).filter({ visible: true }).allInnerTexts()).map(squash);
}

async function expectMessage(page, role, text) {
  const found = await messages(page, role);
  if (!found.includes(text)) {
    const other = role === 'status' ? 'alert' : 'status';
    const elsewhere = (await messages(page, other)).filter((m) => m === text);
    const where = elsewhere.length ? ` (it is in a role=${other} element)` : '';
    return `no role=${role} element says ${JSON.stringify(text)}; role=${role}: ${JSON.stringify(found)}${where}`;
  }
}

/**
 * What every console page must offer, checked on the page as it is now:
 * the language, a title, one h1, one main landmark, a working skip link as
 * the first Tab stop, a visible focus indicator on every Tab stop, and no
 * axe-core violation.
 */
async function pageChecks(page, name, { title, h1 }) {
  await check(`${name}: <html lang="vi">`, async () => {
    const lang = await page.locator('html').getAttribute('lang');
    if (lang !== 'vi') return `lang is ${JSON.stringify(lang)}`;
  });

  await check(`${name}: the title says "${title}"`, async () => {
    const got = await page.title();
    if (got !== `${title}${TITLE_SUFFIX}`) return `title is ${JSON.stringify(got)}`;
  });

  await check(`${name}: exactly one h1, "${h1}"`, async () => {
    const all = await page.locator('h1').count();
    const texts = (await page.locator('h1').filter({ visible: true }).allInnerTexts()).map(squash);
    if (all !== 1 || texts.length !== 1) return `${all} h1 (${texts.length} visible): ${JSON.stringify(texts)}`;
    if (texts[0] !== h1) return `h1 is ${JSON.stringify(texts[0])}`;
  });

  await check(`${name}: one main landmark`, async () => {
    const count = await page.getByRole('main').count();
    if (count !== 1) return `${count} main landmarks`;
  });

  // One walk through the page with Tab, from the top as after loading it.
  let walk;
  try {
    walk = await tabWalk(page);
  } catch (error) {
    walk = { error: firstLine(error) };
  }

  await check(`${name}: the first Tab focuses a visible skip link that moves focus to the main content`, async () => {
    if (walk.error) return walk.error;
    const first = walk.first;
    if (!first) return 'Tab focuses nothing';
    if (first.problem) return first.problem;
    // Back to the skip link, and follow it.
    await page.locator(`a[href="${first.href}"]`).first().focus();
    await page.keyboard.press('Enter');
    const after = await page.evaluate(() => {
      const main = document.querySelector('main, [role="main"]');
      const el = document.activeElement;
      return { hash: location.hash, inMain: Boolean(main && el && (el === main || main.contains(el))) };
    });
    if (after.hash !== first.href) return `pressing Enter on the skip link led to ${JSON.stringify(after.hash)}`;
    if (!after.inMain) return 'after the skip link, focus is not in the main content (the next Tab would not start there)';
  });

  await check(`${name}: every Tab stop shows a focus indicator with at least 3:1 contrast`, () => {
    if (walk.error) return walk.error;
    if (walk.stops === 0) return 'Tab focuses nothing';
    if (walk.trapped) return `more than ${MAX_TAB_STOPS} Tab stops: is focus trapped?`;
    if (walk.problems.length) return `${walk.problems.length} of ${walk.stops} Tab stops: ${walk.problems.slice(0, 5).join('; ')}`;
  });

  await check(`${name}: axe-core finds no violations (${AXE_TAGS.join(', ')})`, () => axe(page));
}

/**
 * Presses Tab until focus leaves the page or comes back round; returns what
 * the first stop is (it should be the skip link) and which stops show no
 * clear focus indicator. Expects a freshly loaded page.
 */
async function tabWalk(page) {
  const problems = [];
  const seen = new Set();
  let first;
  let stops = 0;
  for (; stops < MAX_TAB_STOPS; stops += 1) {
    await page.keyboard.press('Tab');
    if (stops === 0) first = await page.evaluate(skipLink);
    const stop = await page.evaluate(focusIndicator);
    if (stop.done || seen.has(stop.key)) break;
    seen.add(stop.key);
    if (stop.problem) problems.push(`${stop.describe}: ${stop.problem}`);
  }
  return { first, stops, problems, trapped: stops >= MAX_TAB_STOPS };
}

/**
 * Runs in the page: what the focused element looks like. An outline (or a
 * box shadow) must be drawn, and its colour must stand out 3:1 against what
 * is behind it (WCAG 2.4.7 and 1.4.11). The browser's own ring ("auto") is
 * drawn in two colours and always stands out.
 */
function focusIndicator() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { done: true };
  const index = [...document.querySelectorAll('*')].indexOf(el);
  const label = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ');
  const describe = `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? ` name=${el.getAttribute('name')}` : ''}> ${JSON.stringify(label.slice(0, 40))}`;
  const key = `${index}`;
  if (!el.matches(':focus-visible')) return { key, describe, problem: 'focused without :focus-visible' };

  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const luminance = ({ r, g, b }) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const white = { r: 255, g: 255, b: 255, a: 1 };
  // The colour under a point, ignoring the focused element itself (an
  // outline is not hit-tested): the topmost element there with a
  // background. Null outside the viewport.
  const backgroundAt = (x, y) => {
    if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return null;
    for (const node of document.elementsFromPoint(x, y)) {
      if (node === el || el.contains(node)) continue;
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) return bg;
    }
    return white;
  };
  const ownBackground = () => {
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) return bg;
    }
    return white;
  };

  const style = getComputedStyle(el);
  if (style.outlineStyle === 'auto') return { key, describe };
  const width = parseFloat(style.outlineWidth) || 0;
  if (style.outlineStyle !== 'none' && width >= 1) {
    const color = parse(style.outlineColor);
    if (!color) return { key, describe };
    const offset = parseFloat(style.outlineOffset) || 0;
    // Where the outline is drawn: the middle of each side, `offset` outside
    // the border box (inside it when negative).
    const box = el.getBoundingClientRect();
    const d = offset + width / 2;
    const behind = d <= 0
      ? [ownBackground()]
      : [
          backgroundAt(box.left + box.width / 2, box.top - d),
          backgroundAt(box.right + d, box.top + box.height / 2),
          backgroundAt(box.left + box.width / 2, box.bottom + d),
          backgroundAt(box.left - d, box.top + box.height / 2),
        ].filter(Boolean);
    if (behind.length === 0) behind.push(ownBackground());
    const worst = behind
      .map((bg) => ({ bg, ratio: contrast(color, bg) }))
      .sort((p, q) => p.ratio - q.ratio)[0];
    if (worst.ratio < 3) {
      const { r, g, b } = worst.bg;
      return {
        key,
        describe,
        problem: `outline ${style.outlineColor} on background rgb(${r}, ${g}, ${b}) has contrast ${worst.ratio.toFixed(2)}:1`,
      };
    }
    return { key, describe };
  }
  if (style.boxShadow && style.boxShadow !== 'none') return { key, describe };
  return { key, describe, problem: 'no outline or box shadow when focused' };
}

/** axe-core, evaluated through DevTools (so the page's CSP stays in force). */
async function axe(page) {
  const loaded = await page.evaluate(() => typeof globalThis.axe?.run === 'function');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const { passes, violations } = await axeRun(page);
  if (passes === 0) return 'axe-core checked nothing: is the page empty?';
  return axeProblem(violations);
}

/** Opens a path on a phone (the session's cookies carried over). */
async function noHorizontalScroll(browser, storageState, path) {
  await check(`${path}: no horizontal scroll on a 360px-wide phone`, async () => {
    const context = await newContext(browser, { ...PHONE, storageState });
    try {
      const phone = await context.newPage();
      const problem = await open(phone, path);
      if (problem) return problem;
      return await phoneOverflow(phone, ({ tag, text }) => `${tag} ${JSON.stringify(text)}`);
    } finally {
      await context.close();
    }
  });
}

async function run(browser) {
  const context = await newContext(browser, DESKTOP);
  const page = await context.newPage();

  // --- Signing in, by filling the form as a person does. ---
  if (!(await check('GET /dang-nhap answers 200', () => open(page, '/dang-nhap')))) return;
  await pageChecks(page, '/dang-nhap', { title: 'Đăng nhập', h1: 'Đăng nhập' });

  const signedIn = await check('signing in with the one-time password leads to /mat-khau', async () => {
    await open(page, '/dang-nhap');
    await page.getByLabel('Địa chỉ thư điện tử', { exact: true }).fill(email);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(oneTimePassword);
    return submitted(page, () => page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(), '/mat-khau');
  });
  if (!signedIn) return;
  await pageChecks(page, '/mat-khau', { title: 'Đổi mật khẩu', h1: 'Đổi mật khẩu' });

  const changed = await check('replacing the one-time password says so in a role=status element', async () => {
    await page.getByLabel('Mật khẩu hiện tại', { exact: true }).fill(oneTimePassword);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(NEW_PASSWORD);
    const problem = await submitted(page, () => page.getByRole('button', { name: 'Lưu mật khẩu mới', exact: true }).click(), '/mat-khau');
    return problem ?? expectMessage(page, 'status', 'Đã đổi mật khẩu.');
  });
  if (!changed) return;

  // --- The list of communes (empty so far), and creating one. ---
  if (await check('GET / answers 200', () => open(page, '/'))) {
    await pageChecks(page, '/', { title: 'Danh sách xã', h1: 'Danh sách xã, phường, đặc khu' });
  }
  if (!(await check('GET /xa-moi answers 200', () => open(page, '/xa-moi')))) return;
  await pageChecks(page, '/xa-moi', { title: 'Tạo xã mới', h1: 'Tạo trang thông tin điện tử cho xã mới' });

  const created = await check(`creating ${COMMUNE.name} with the form leads to /xa/${COMMUNE.slug}`, async () => {
    await page.getByLabel('Tên đầy đủ', { exact: true }).fill(COMMUNE.name);
    await page.getByLabel('Tên định danh', { exact: true }).fill(COMMUNE.slug);
    return submitted(page, () => page.getByRole('button', { name: 'Tạo trang', exact: true }).click(), `/xa/${COMMUNE.slug}`);
  });
  if (!created) return;
  await check('the commune page says it was created in a role=status element', () =>
    expectMessage(page, 'status', 'Đã tạo trang thông tin điện tử.'));
  await pageChecks(page, `/xa/${COMMUNE.slug}`, { title: COMMUNE.name, h1: COMMUNE.name });

  // --- Domains: one added with the form, one refused. ---
  await check(`adding ${DOMAIN} as the primary domain says so in a role=status element`, async () => {
    await page.getByLabel('Tên miền', { exact: true }).fill(DOMAIN);
    await page.getByLabel('Đặt làm tên miền chính', { exact: true }).check();
    const problem = await submitted(page, () => page.getByRole('button', { name: 'Thêm tên miền', exact: true }).click(), `/xa/${COMMUNE.slug}`);
    if (problem) return problem;
    const message = await expectMessage(page, 'status', 'Đã cập nhật tên miền.');
    if (message) return message;
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: DOMAIN, exact: true }) });
    if ((await row.count()) !== 1) return `${await row.count()} table rows with the cell ${DOMAIN}`;
    const text = squash(await row.innerText());
    if (!text.includes('Tên miền chính')) return `its row says ${JSON.stringify(text)}`;
  });

  const refused = await check(`submitting "${NOT_VN}" from the keyboard shows the Vietnamese error in a role=alert element`, async () => {
    const field = page.getByLabel('Tên miền', { exact: true });
    await field.fill(NOT_VN);
    // Enter in a text field submits its form, as a keyboard user does.
    // A refusal is shown on the commune's page, answered 422 where the form posted.
    const problem = await submitted(page, () => field.press('Enter'), `/xa/${COMMUNE.slug}/ten-mien`, 422);
    if (problem) return problem;
    return expectMessage(page, 'alert', NOT_VN_ERROR);
  });
  if (refused) {
    await pageChecks(page, `/xa/${COMMUNE.slug} with the error`, { title: COMMUNE.name, h1: COMMUNE.name });
  }

  // --- The list with the commune in it, maintenance, the audit log. ---
  if (await check('GET / lists the new commune with a link to its page', async () => {
    const problem = await open(page, '/');
    if (problem) return problem;
    const link = page.getByRole('link', { name: COMMUNE.name, exact: true });
    if ((await link.count()) !== 1) return `${await link.count()} links named ${JSON.stringify(COMMUNE.name)}`;
    const href = await link.getAttribute('href');
    if (href !== `/xa/${COMMUNE.slug}`) return `the link goes to ${JSON.stringify(href)}`;
  })) {
    await pageChecks(page, '/ with a commune', { title: 'Danh sách xã', h1: 'Danh sách xã, phường, đặc khu' });
  }
  if (await check('GET /thong-ke answers 200 with a chart and the province row', async () => {
    const problem = await open(page, '/thong-ke');
    if (problem) return problem;
    const charts = await page.locator('svg[role="img"]').count();
    if (charts !== 1) return `${charts} charts`;
    const total = await page.getByRole('rowheader', { name: 'Toàn tỉnh' }).count();
    if (total !== 1) return 'no row for the province';
  })) {
    await pageChecks(page, '/thong-ke', { title: 'Thống kê truy cập các xã', h1: 'Thống kê truy cập các xã' });
  }
  if (await check('GET /tuan-thu answers 200 with every commune', async () => {
    const problem = await open(page, '/tuan-thu');
    if (problem) return problem;
    const link = page.getByRole('link', { name: COMMUNE.name, exact: true });
    if ((await link.count()) !== 1) return `${await link.count()} links named ${JSON.stringify(COMMUNE.name)}`;
  })) {
    await pageChecks(page, '/tuan-thu', { title: 'Đối chiếu trang các xã với quy định', h1: 'Đối chiếu trang các xã với quy định' });
  }
  const checklist = `Đối chiếu với quy định: ${COMMUNE.name}`;
  if (await check(`GET /tuan-thu/${COMMUNE.slug} answers 200`, () => open(page, `/tuan-thu/${COMMUNE.slug}`))) {
    await pageChecks(page, `/tuan-thu/${COMMUNE.slug}`, { title: checklist, h1: checklist });
  }
  const year = new Date().getFullYear();
  const reports = `Báo cáo hoạt động của trang các xã năm ${year}`;
  if (await check('GET /bao-cao answers 200 with a chart', async () => {
    const problem = await open(page, '/bao-cao');
    if (problem) return problem;
    const charts = await page.locator('svg[role="img"]').count();
    if (charts !== 1) return `${charts} charts`;
  })) {
    await pageChecks(page, '/bao-cao', { title: reports, h1: reports });
  }
  const calendar = `Lịch nghỉ lễ, ngày làm việc năm ${year}`;
  if (await check('GET /lich-nghi answers 200', () => open(page, '/lich-nghi'))) {
    await pageChecks(page, '/lich-nghi', { title: calendar, h1: calendar });
  }
  if (await check('GET /bao-tri answers 200', () => open(page, '/bao-tri'))) {
    await pageChecks(page, '/bao-tri', { title: 'Thông báo bảo trì', h1: 'Thông báo bảo trì' });
  }
  if (await check('GET /nhat-ky answers 200 and shows the changes', async () => {
    const problem = await open(page, '/nhat-ky');
    if (problem) return problem;
    const rows = await page.getByRole('row').count();
    // The header row, the creation and the domain added (the refused one
    // changed nothing).
    if (rows < 3) return `the table has ${rows} rows`;
  })) {
    await pageChecks(page, '/nhat-ky', { title: 'Nhật ký thao tác', h1: 'Nhật ký thao tác' });
  }

  // --- On a phone 360 px wide, signed in as the same operator. ---
  const storageState = await context.storageState();
  await context.close();
  await noHorizontalScroll(browser, storageState, '/');
  await noHorizontalScroll(browser, storageState, `/xa/${COMMUNE.slug}`);
  await noHorizontalScroll(browser, storageState, '/thong-ke');
}

await runChecks(run, RUN_TIMEOUT_MS);
