// The board's whole path in headless Chromium, by clicks and typing as
// people do: a contributor sends news; the head assigns it to a member; the
// member uploads a photo, edits the text, inserts the photo with its
// description and sends it for approval; the head returns it with a
// comment; the member fixes it and sends it again; the head previews it in
// the site's own look and schedules it; it appears on the public site, photo
// and all, once its time has come, with no one visiting in between (the
// publishing job does it). Typed text is never lost: a workflow button
// takes it along, and a closed tab's text is offered back.
//
//   node tests/browser/workflow.mjs <base url> <accounts json>
//
// <accounts json>: {"head": [email, one-time password], "member": [...],
// "contributor": [...]}. Prints `ok`/`FAIL` lines; exits 0 when all held.

import { DESKTOP, check, newContext, runChecks } from './lib.mjs';

const RUN_TIMEOUT_MS = 180_000;
const [base, accountsJson] = process.argv.slice(2);
if (!base || !accountsJson) {
  console.error('usage: node tests/browser/workflow.mjs <base url> <accounts json>');
  process.exit(2);
}
const accounts = JSON.parse(accountsJson);
const url = (path) => new URL(path, base).toString();
const TITLE = 'Thôn An Lạc tổ chức ngày hội đại đoàn kết toàn dân tộc';
const PHOTO_ALT = 'Người dân thôn An Lạc dự ngày hội tại nhà văn hóa';

/** Signs a person in, replacing their one-time password. */
async function signIn(browser, [email, password]) {
  const context = await newContext(browser, DESKTOP);
  const page = await context.newPage();
  await page.goto(url('/quan-tri/dang-nhap'));
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/quan-tri\/mat-khau$/);
  await page.getByLabel('Mật khẩu hiện tại').fill(password);
  await page.getByLabel('Mật khẩu mới').fill(`mật khẩu mới dài của ${email}`);
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await page.getByText('Đã đổi mật khẩu.').waitFor();
  return page;
}

async function openItem(page) {
  await page.goto(url('/quan-tri/tin-bai'));
  await page.getByRole('link', { name: TITLE }).first().click();
  await page.waitForURL(/\/quan-tri\/tin-bai\/[0-9a-f-]+/);
}

async function status(page) {
  return (await page.locator('.status').first().innerText()).trim();
}

async function run(browser) {
  const contributor = await signIn(browser, accounts.contributor);
  const head = await signIn(browser, accounts.head);
  const member = await signIn(browser, accounts.member);

  await check('a contributor sends news through the simple form', async () => {
    await contributor.goto(url('/quan-tri/tin-bai/moi'));
    await contributor.getByLabel('Chuyên mục').selectOption({ label: 'Tin tức - Sự kiện › Tin các thôn' });
    await contributor.getByLabel('Tiêu đề').fill(TITLE);
    await contributor.getByLabel('Nội dung').fill('Bản tin gửi từ thôn.');
    await contributor.getByRole('button', { name: 'Gửi ban biên tập' }).click();
    await contributor.waitForURL(/da-luu/);
    const now = await status(contributor);
    if (now !== 'Đã gửi, chờ phân công') return `status is ${now}`;
  });

  await check('the head finds it waiting and assigns it to the member', async () => {
    await head.goto(url('/quan-tri'));
    await head.getByRole('link', { name: TITLE }).first().click();
    const editor = head.getByLabel('Người biên tập');
    const memberOption = await editor.locator('option', { hasText: 'Ủy viên' }).first().innerText();
    await editor.selectOption({ label: memberOption });
    await head.getByRole('button', { name: 'Phân công biên tập' }).click();
    await head.waitForURL(/da-chuyen/);
    const now = await status(head);
    if (now !== 'Đã phân công biên tập') return `status is ${now}`;
    const line = await head.locator('.status').first().locator('xpath=..').innerText();
    if (!line.includes(`Giao cho: ${memberOption}`)) return `the page does not say to whom: ${line}`;
  });

  await check('the member uploads a photo and watches its progress', async () => {
    await member.goto(url('/quan-tri/tep'));
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    await member.locator('input[type=file]').setInputFiles({ name: 'Ảnh ngày hội.png', mimeType: 'image/png', buffer: png });
    await member.getByRole('button', { name: 'Tải lên' }).click();
    await member.getByRole('link', { name: 'Ảnh ngày hội.png' }).waitFor();
  });

  await check('the member edits it, inserts the photo and sends it for approval', async () => {
    await openItem(member);
    await member.getByLabel('Nội dung').fill('Ngày hội có hơn 300 người dân tham gia.');
    await member.locator('.ProseMirror').press('ControlOrMeta+End');
    await member.keyboard.press('Enter');
    await member.getByRole('button', { name: 'Chèn ảnh' }).click();
    const dialog = member.getByRole('dialog', { name: 'Chèn ảnh' });
    await dialog.getByLabel('Ảnh ngày hội.png').check();
    await dialog.getByLabel('Mô tả ảnh (cho người không xem được ảnh)').fill(PHOTO_ALT);
    await dialog.getByRole('button', { name: 'Chèn ảnh' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await member.getByRole('button', { name: 'Lưu', exact: true }).click();
    await member.waitForURL(/da-luu/);
    if ((await status(member)) !== 'Đã biên tập') return `status is ${await status(member)}`;
    await member.getByRole('button', { name: 'Trình duyệt' }).click();
    await member.waitForURL(/da-chuyen/);
    if ((await status(member)) !== 'Chờ duyệt') return `status is ${await status(member)}`;
  });

  await check('the head returns it with a comment', async () => {
    await openItem(head);
    const form = head.locator('form', { has: head.getByRole('button', { name: 'Trả lại để sửa' }) });
    await form.getByLabel('Ý kiến để sửa (bắt buộc)').fill('Bổ sung tên các thôn tham gia.');
    await form.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await head.waitForURL(/da-chuyen/);
    if ((await status(head)) !== 'Trả lại để sửa') return `status is ${await status(head)}`;
  });

  await check('the member sees the comment, fixes it and sends it again without saving first', async () => {
    await member.goto(url('/quan-tri'));
    const notice = member.getByText('Bổ sung tên các thôn tham gia.').first();
    if (!(await notice.isVisible())) return 'the comment is not on the member\'s dashboard';
    await openItem(member);
    // Added after the photo, which stays.
    await member.locator('.ProseMirror').press('ControlOrMeta+End');
    await member.keyboard.type('Tham gia có các thôn An Lạc, Vĩnh Khê.');
    // Straight to the workflow button, without "Lưu": the typed text goes
    // with it.
    await member.getByRole('button', { name: 'Trình duyệt' }).click();
    await member.waitForURL(/da-chuyen/);
    if ((await status(member)) !== 'Chờ duyệt') return `status is ${await status(member)}`;
  });

  await check('the head previews it in the site\'s own look', async () => {
    await openItem(head);
    await head.getByRole('link', { name: 'Xem trước như trên trang công khai' }).click();
    await head.getByText('Bản xem trước').first().waitFor();
    const text = await head.locator('main').innerText();
    if (!text.includes('An Lạc, Vĩnh Khê')) return 'the preview lacks the fixed text';
    const photo = head.locator(`main img[alt="${PHOTO_ALT}"]`);
    if ((await photo.count()) !== 1) return 'the preview lacks the photo';
  });

  await check('the head schedules it, and it is not public before its time', async () => {
    await openItem(head);
    // Twenty seconds ahead, as Vietnam's clock reads it (the field takes
    // seconds).
    const at = new Date(Date.now() + 7 * 3600_000 + 20_000);
    const local = at.toISOString().slice(0, 19);
    const form = head.locator('form', { has: head.getByRole('button', { name: 'Duyệt và hẹn giờ đăng' }) });
    await form.getByLabel('Đăng lúc').fill(local);
    await form.getByRole('button', { name: 'Duyệt và hẹn giờ đăng' }).click();
    await head.waitForURL(/da-chuyen/);
    if ((await status(head)) !== 'Hẹn giờ đăng') return `status is ${await status(head)}`;
    const response = await head.goto(url('/tin-tuc/tin-cac-thon'));
    if ((await head.getByText(TITLE).count()) > 0) return 'already public';
    if (response.status() !== 200) return `the section answered ${response.status()}`;
  });

  await check('it appears on the public site when its time comes', async () => {
    const deadline = Date.now() + 90_000;
    const visitor = await newContext(browser, DESKTOP);
    const page = await visitor.newPage();
    try {
      while (Date.now() < deadline) {
        await page.goto(url('/tin-tuc/tin-cac-thon'));
        if ((await page.getByRole('link', { name: TITLE }).count()) > 0) {
          await page.getByRole('link', { name: TITLE }).first().click();
          const text = await page.locator('main').innerText();
          if (!text.includes('An Lạc, Vĩnh Khê')) return 'the public page lacks the fixed text';
          const photo = page.locator(`main img[alt="${PHOTO_ALT}"]`);
          if ((await photo.count()) !== 1) return 'the public page lacks the photo';
          // Lazy-loaded: brought into view, it has ten seconds to arrive.
          await photo.scrollIntoViewIfNeeded();
          const loaded = await page
            .waitForFunction((el) => el.complete && el.naturalWidth > 0, await photo.elementHandle(), {
              timeout: 10_000,
            })
            .then(() => true, () => false);
          if (!loaded) return 'the photo does not load on the public page';
          return;
        }
        await page.waitForTimeout(2_000);
      }
      return 'not public after its time';
    } finally {
      await visitor.close();
    }
  });

  await check('typed text survives a closed tab: the browser warns, and the copy is offered back', async () => {
    const draftTitle = 'Thông báo lịch tiếp công dân tháng 12';
    const draftBody = 'Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm hằng tuần.';
    const page = await member.context().newPage();
    await page.goto(url('/quan-tri/tin-bai/moi'));
    await page.getByLabel('Chuyên mục').selectOption({ label: 'Tin tức - Sự kiện › Tin các thôn' });
    await page.getByLabel('Tiêu đề').fill(draftTitle);
    await page.locator('.ProseMirror').click();
    await page.keyboard.type(draftBody);
    // The copy is kept every two seconds.
    await page.waitForTimeout(2_500);
    const warned = new Promise((resolve) => {
      page.once('dialog', (dialog) => { resolve(dialog.type()); dialog.accept().catch(() => {}); });
      setTimeout(() => resolve('no dialog'), 5_000);
    });
    await page.close({ runBeforeUnload: true });
    if ((await warned) !== 'beforeunload') return `leaving with unsaved text: ${await warned}`;

    const again = await member.context().newPage();
    try {
      await again.goto(url('/quan-tri/tin-bai/moi'));
      const offer = again.getByRole('status').filter({ hasText: 'bản đang soạn dở' });
      await offer.waitFor({ timeout: 5_000 });
      if (!/\d\d:\d\d ngày \d\d\/\d\d\/\d{4}/.test(await offer.innerText())) return `the offer names no time: ${await offer.innerText()}`;
      await again.getByRole('button', { name: 'Khôi phục bản đang soạn' }).click();
      if ((await again.getByLabel('Tiêu đề').inputValue()) !== draftTitle) return 'the title is not restored';
      if (!(await again.locator('.ProseMirror').innerText()).includes(draftBody)) return 'the body is not restored';
      await again.getByRole('button', { name: 'Lưu bản nháp' }).click();
      await again.waitForURL(/da-luu/);
      if (!(await again.locator('.ProseMirror').innerText()).includes(draftBody)) return 'the saved item lacks the body';
      // Saved: nothing is offered any more.
      await again.goto(url('/quan-tri/tin-bai/moi'));
      await again.locator('.ProseMirror').waitFor();
      if ((await again.locator('.ban-nhap').count()) > 0) return 'the saved copy is still offered';
    } finally {
      await again.close();
    }
  });
}

await runChecks(run, RUN_TIMEOUT_MS);
