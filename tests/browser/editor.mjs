// The item editor's rich text in headless Chromium, as a board member uses
// it: the toolbar for a heading, bold text, a list, a link, a table; an
// image from the commune's library with its description (and refused
// without one); a paste from Word cleaned of its styles; undo and redo;
// keyboard use of the toolbar; axe-core with the editor in use; then the
// item saved through the form. The Rust side reads what was saved.
//
//   SITE_COOKIE="name=value" node tests/browser/editor.mjs <base url> <title> <image file name> <image description>
//
// Prints `ok`/`FAIL` lines; exits 0 when every check held.

import {
  AXE, DESKTOP, axeProblem, axeRun, check, newContext, runChecks, squash,
} from './lib.mjs';

const RUN_TIMEOUT_MS = 180_000;
const [base, title, imageName, imageAlt] = process.argv.slice(2);
const cookie = process.env.SITE_COOKIE;
if (!base || !title || !imageName || !imageAlt || !cookie) {
  console.error('usage: SITE_COOKIE="name=value" node tests/browser/editor.mjs <base url> <title> <image file name> <image description>');
  process.exit(2);
}
const url = (path) => new URL(path, base).toString();

// What Word puts on the clipboard: conditional comments with XML, classes,
// mso-* styles, lang attributes, <o:p>, <font>, empty spans and a list made
// of paragraphs with their bullets as text.
const WORD_HTML = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm;} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]--></head>
<body lang=VI style='tab-interval:36.0pt'>
<!--StartFragment-->
<p class=MsoNormal style='margin-bottom:6.0pt;mso-line-height-alt:12pt'><b><span lang=VI style='font-size:13.0pt;mso-bidi-font-family:"Times New Roman"'>Thông báo từ Word<o:p></o:p></span></b></p>
<p class=MsoNormal><span style='mso-spacerun:yes'></span><font face="Times New Roman" color="#333333">Người dân mang theo <i style='mso-bidi-font-style:normal'>căn cước công dân</i>.</font><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]><span lang=VI>Mục Word một<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]><span lang=VI>Mục Word hai<o:p></o:p></span></p>
<p class=MsoNormal><a href="https://dichvucong.gov.vn/" style='mso-hide:none'><span class=MsoHyperlink>Cổng Dịch vụ công</span></a><o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<!--EndFragment-->
</body></html>`;

/** A long report as Word puts it on the clipboard: about 500 KB of
 * Vietnamese paragraphs and tables of figures, styled as Word styles them. */
function longReport() {
  const parts = [];
  for (let part = 1; parts.join('').length < 500 * 1024; part += 1) {
    let table = `<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td style='width:120pt'><p class=MsoNormal><b>Chỉ tiêu</b></p></td><td><p class=MsoNormal><b>Kế hoạch</b></p></td><td><p class=MsoNormal><b>Thực hiện</b></p></td></tr>`;
    for (let row = 0; row < 10; row += 1) {
      table += `<tr><td><p class=MsoNormal><span lang=VI>Đường giao thông nông thôn số ${row} được cứng hóa</span></p></td><td><p class=MsoNormal>1.${row}00 m</p></td><td><p class=MsoNormal>1.${row}50 m</p></td></tr>`;
    }
    parts.push(`<p class=MsoNormal style='margin-bottom:6.0pt'><b><span lang=VI style='font-size:13.0pt'>Phần ${part}. Kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội<o:p></o:p></span></b></p>`
      + `<p class=MsoNormal><span lang=VI>Ủy ban nhân dân xã đã chỉ đạo các thôn, xóm triển khai đồng bộ các giải pháp; tổng thu ngân sách trên địa bàn ước đạt 4.850.000.000 đồng, bằng 112,5% dự toán. Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,7%.<o:p></o:p></span></p>`
      + `${table}</table>`);
  }
  parts.push('<p class=MsoNormal><span lang=VI>Hết báo cáo dài.<o:p></o:p></span></p>');
  return `<html><body><!--StartFragment-->${parts.join('')}<!--EndFragment--></body></html>`;
}

/** The editable text's HTML, as the editor shows it. */
const editorHtml = (page) => page.locator('.ProseMirror').evaluate((el) => el.innerHTML);
/** Waits for focus to come back to the text, as it must after a dialog. */
const backInText = (page) => page.waitForFunction(() => document.activeElement?.classList.contains('ProseMirror'));
const button = (page, name) => page.getByRole('toolbar', { name: 'Định dạng văn bản' }).getByRole('button', { name, exact: true });

async function pressed(page, name) {
  return button(page, name).getAttribute('aria-pressed');
}

async function run(browser) {
  const context = await newContext(browser, { ...DESKTOP, bypassCSP: true });
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, domain: new URL(base).hostname, path: '/' }]);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url('/quan-tri/tin-bai/moi'), { waitUntil: 'load' });
  const text = page.getByRole('textbox', { name: 'Nội dung' });

  const mounted = await check('the editor replaces the text area, which stays in the form', async () => {
    await page.getByRole('toolbar', { name: 'Định dạng văn bản' }).waitFor();
    if (!(await text.isVisible())) return 'no visible text box named "Nội dung"';
    if (await page.locator('textarea[name=body]').isVisible()) return 'the text area is still shown';
    if ((await page.locator('form textarea[name=body]').count()) !== 1) return 'the text area left the form';
    if (errors.length > 0) return `script errors: ${errors.join('; ')}`;
  });
  if (!mounted) return;

  await check('the toolbar is one Tab stop, walked with the arrow keys, with a visible focus', async () => {
    await text.click();
    await page.keyboard.press('Alt+F10');
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    if ((await focused()) !== 'Đoạn văn') return `Alt+F10 focused ${JSON.stringify(await focused())}`;
    await page.keyboard.press('ArrowRight');
    if ((await focused()) !== 'Tiêu đề lớn') return `→ focused ${JSON.stringify(await focused())}`;
    await page.keyboard.press('End');
    if ((await focused()) !== 'Làm lại') return `End focused ${JSON.stringify(await focused())}`;
    const stops = await page.locator('[role=toolbar] button[tabindex="0"]').count();
    if (stops !== 1) return `${stops} buttons are Tab stops`;
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    if (ring.style === 'none' || ring.width < 2) return `focus outline ${ring.style} ${ring.width}px`;
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    if ((await pressed(page, 'Tiêu đề lớn')) !== 'true') return 'Enter on "Tiêu đề lớn" did not make a heading';
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    if ((await pressed(page, 'Đoạn văn')) !== 'true') return 'Enter on "Đoạn văn" did not make a paragraph again';
  });

  await check('undo and redo take back and bring back typing', async () => {
    await text.click();
    await page.keyboard.type('Chữ gõ thử');
    await button(page, 'Hoàn tác').click();
    if ((await editorHtml(page)).includes('Chữ gõ thử')) return 'still there after "Hoàn tác"';
    await button(page, 'Làm lại').click();
    if (!(await editorHtml(page)).includes('Chữ gõ thử')) return 'not back after "Làm lại"';
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
  });

  await check('"Tiêu đề lớn" makes an h2 and says it is pressed', async () => {
    await text.click();
    await page.keyboard.type('Lịch tiếp công dân tháng 12');
    await button(page, 'Tiêu đề lớn').click();
    if ((await pressed(page, 'Tiêu đề lớn')) !== 'true') return 'aria-pressed is not true';
    if (!(await editorHtml(page)).includes('<h2>Lịch tiếp công dân tháng 12</h2>')) return await editorHtml(page);
  });

  await check('"Đậm" makes bold text and is pressed while it is on', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await button(page, 'Đậm').click();
    if ((await pressed(page, 'Đậm')) !== 'true') return 'aria-pressed is not true after pressing';
    await page.keyboard.type('Thời gian:');
    await button(page, 'Đậm').click();
    if ((await pressed(page, 'Đậm')) !== 'false') return 'aria-pressed is not false after pressing again';
    await page.keyboard.type(' sáng thứ Hai hằng tuần.');
    if (!(await editorHtml(page)).includes('<p><strong>Thời gian:</strong> sáng thứ Hai hằng tuần.</p>')) return await editorHtml(page);
  });

  await check('"Danh sách" makes a bulleted list', async () => {
    await page.keyboard.press('Enter');
    await button(page, 'Danh sách').click();
    await page.keyboard.type('Tiếp công dân');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Nhận đơn thư');
    if ((await pressed(page, 'Danh sách')) !== 'true') return 'aria-pressed is not true in the list';
    // An empty item's Enter leaves the list.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const items = await page.locator('.ProseMirror ul > li').allInnerTexts();
    if (items.map(squash).join('|') !== 'Tiếp công dân|Nhận đơn thư') return `items: ${JSON.stringify(items)}`;
  });

  await check('"Liên kết" refuses a javascript: address and links the selection to a page', async () => {
    await page.keyboard.type('Xem thủ tục');
    await page.keyboard.press('Shift+Home');
    await button(page, 'Liên kết').click();
    const dialog = page.getByRole('dialog', { name: 'Chèn liên kết' });
    await dialog.waitFor();
    await dialog.getByLabel('Địa chỉ liên kết').fill('javascript:alert(1)');
    await dialog.getByRole('button', { name: 'Chèn liên kết' }).click();
    if (!(await dialog.isVisible())) return 'the dialog closed on a javascript: address';
    if (!(await dialog.getByRole('alert').innerText()).includes('Địa chỉ phải bắt đầu')) return 'no error shown';
    if ((await editorHtml(page)).includes('javascript:')) return 'the javascript: address reached the text';
    await dialog.getByLabel('Địa chỉ liên kết').fill('/thu-tuc-hanh-chinh');
    await dialog.getByRole('button', { name: 'Chèn liên kết' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await backInText(page);
    if (!(await editorHtml(page)).includes('<a href="/thu-tuc-hanh-chinh">Xem thủ tục</a>')) return await editorHtml(page);
    if ((await button(page, 'Bỏ liên kết').getAttribute('aria-disabled')) !== 'false') return '"Bỏ liên kết" is off inside the link';
  });

  await check('"Chèn bảng" inserts a 3×3 table with a header row; rows and columns are added and removed', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await button(page, 'Chèn bảng').click();
    const shape = () => page.locator('.ProseMirror table').evaluate((t) => ({
      rows: t.rows.length,
      cols: t.rows[0].cells.length,
      headers: t.rows[0].querySelectorAll('th').length,
    }));
    let now = await shape();
    if (now.rows !== 3 || now.cols !== 3 || now.headers !== 3) return `table is ${JSON.stringify(now)}`;
    // From a body row, so that removing a row keeps the header row.
    await page.keyboard.press('ArrowDown');
    for (const [name, want] of [['Thêm hàng', [4, 3]], ['Xóa hàng', [3, 3]], ['Thêm cột', [3, 4]], ['Xóa cột', [3, 3]]]) {
      await button(page, name).click();
      now = await shape();
      if (now.rows !== want[0] || now.cols !== want[1]) return `after "${name}" the table is ${now.rows}×${now.cols}`;
    }
    if (now.headers !== 3) return `the header row has ${now.headers} header cells`;
    await page.locator('.ProseMirror th').first().click();
    await page.keyboard.type('Ngày');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Người tiếp');
    if (squash(await page.locator('.ProseMirror tr').first().innerText()) !== 'Ngày Người tiếp') return 'Tab did not move to the next cell';
  });

  await check('axe-core finds no WCAG 2.1 A/AA violation with the editor in use', async () => {
    await page.addScriptTag({ path: AXE });
    const { violations } = await axeRun(page);
    return axeProblem(violations);
  });

  // Out of the table, to the paragraph the editor keeps after it.
  await page.locator('.ProseMirror').press('ControlOrMeta+End');

  await check('the image dialog lists the library and refuses an image without a description', async () => {
    await page.keyboard.type('Ảnh buổi tiếp dân:');
    await page.keyboard.press('Enter');
    await button(page, 'Chèn ảnh').click();
    const dialog = page.getByRole('dialog', { name: 'Chèn ảnh' });
    await dialog.getByLabel(imageName).check();
    const { violations } = await axeRun(page);
    const axe = axeProblem(violations);
    if (axe) return `with the dialog open, ${axe}`;
    await dialog.getByRole('button', { name: 'Chèn ảnh' }).click();
    if (!(await dialog.isVisible())) return 'the dialog closed without a description';
    if (!(await dialog.getByRole('alert').innerText()).includes('mô tả ảnh')) return 'no error about the description';
    if ((await page.locator('.ProseMirror img').count()) !== 0) return 'an image was inserted without a description';
    await dialog.getByLabel('Mô tả ảnh (cho người không xem được ảnh)').fill('   ');
    await dialog.getByRole('button', { name: 'Chèn ảnh' }).click();
    if (!(await dialog.isVisible()) || (await page.locator('.ProseMirror img').count()) !== 0) return 'a blank description was taken';
  });

  await check('the chosen image goes in with its description', async () => {
    const dialog = page.getByRole('dialog', { name: 'Chèn ảnh' });
    await dialog.getByLabel('Mô tả ảnh (cho người không xem được ảnh)').fill(imageAlt);
    await dialog.getByRole('button', { name: 'Chèn ảnh' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await backInText(page);
    const img = page.locator('.ProseMirror img');
    if ((await img.count()) !== 1) return `${await img.count()} images`;
    const [src, alt] = [await img.getAttribute('src'), await img.getAttribute('alt')];
    if (!src?.startsWith('/tep/') || alt !== imageAlt) return `src ${src}, alt ${alt}`;
    const loaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
    if (!loaded) return 'the image does not load in the editor';
  });

  await check('a paste from Word keeps its structure and loses its styles', async () => {
    await page.locator('.ProseMirror').press('ControlOrMeta+End');
    await page.locator('.ProseMirror').evaluate((el, html) => {
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', 'Thông báo từ Word');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, WORD_HTML);
    // What follows the image is what was pasted; the editor's own view
    // of the table and image before it carries layout attributes of its own.
    const all = await editorHtml(page);
    const image = all.lastIndexOf('<img');
    if (image < 0) return `the image is gone: ${all}`;
    const html = all.slice(all.indexOf('>', image) + 1);
    for (const wanted of [
      '<strong>Thông báo từ Word</strong>',
      '<em>căn cước công dân</em>',
      '<li><p>Mục Word một</p></li><li><p>Mục Word hai</p></li>',
      '<a href="https://dichvucong.gov.vn/">Cổng Dịch vụ công</a>',
    ]) {
      if (!html.includes(wanted)) return `no ${wanted} in ${html}`;
    }
    for (const unwanted of ['mso', 'Mso', 'class="Mso', 'style=', 'lang=', 'o:p', '<font', '·', 'StartFragment', '<span']) {
      if (html.includes(unwanted)) return `${unwanted} is left in ${html}`;
    }
  });

  await check('the hidden text area holds the same text, ready to post', async () => {
    const posted = await page.locator('textarea[name=body]').inputValue();
    for (const wanted of ['<h2>', '<strong>', '<ul>', '<thead>', '<th scope="col">', '<a href="/thu-tuc-hanh-chinh">', `alt="${imageAlt}"`, 'Mục Word hai']) {
      if (!posted.includes(wanted)) return `no ${wanted} in ${posted}`;
    }
    if (posted.includes('<colgroup') || posted.includes('style=')) return `layout hints left in ${posted}`;
  });

  await check('the item is saved through the form', async () => {
    await page.getByLabel('Chuyên mục').selectOption({ label: 'Giới thiệu' });
    await page.getByLabel('Tiêu đề', { exact: true }).fill(title);
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.waitForURL(/da-luu/);
    const error = await page.locator('.error').count();
    if (error > 0) return await page.locator('.error').innerText();
  });

  await check('the saved item opens in the editor with its table and image', async () => {
    await page.getByRole('toolbar', { name: 'Định dạng văn bản' }).waitFor();
    const html = await editorHtml(page);
    for (const wanted of ['<h2>Lịch tiếp công dân tháng 12</h2>', '<th', `alt="${imageAlt}"`, 'Mục Word một']) {
      if (!html.includes(wanted)) return `no ${wanted} in ${html}`;
    }
    if (errors.length > 0) return `script errors: ${errors.join('; ')}`;
  });

  await check('a long report pasted from Word (about 500 KB) is saved whole', async () => {
    await page.goto(url('/quan-tri/tin-bai/moi'), { waitUntil: 'load' });
    await page.getByRole('toolbar', { name: 'Định dạng văn bản' }).waitFor();
    await page.getByLabel('Chuyên mục').selectOption({ label: 'Giới thiệu' });
    await page.getByLabel('Tiêu đề', { exact: true }).fill(`${title} (bản dài)`);
    await page.locator('.ProseMirror').click();
    await page.locator('.ProseMirror').evaluate((el, html) => {
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', 'Báo cáo dài');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, longReport());
    const posted = await page.locator('textarea[name=body]').inputValue();
    if (posted.length < 300 * 1024) return `only ${posted.length} characters reached the form`;
    if (!posted.includes('Hết báo cáo dài.')) return 'the end of the report did not reach the form';
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.waitForURL(/da-luu/, { timeout: 60_000 });
    const error = await page.locator('.error').count();
    if (error > 0) return await page.locator('.error').innerText();
  });

  await context.close();

  // Without JavaScript, the plain text area as before.
  const plain = await newContext(browser, { ...DESKTOP, javaScriptEnabled: false });
  await plain.addCookies([{ name, value, domain: new URL(base).hostname, path: '/' }]);
  try {
    const page = await plain.newPage();
    await page.goto(url('/quan-tri/tin-bai/moi'), { waitUntil: 'load' });
    await check('without JavaScript the body is the plain text area, labelled "Nội dung"', async () => {
      const area = page.getByLabel('Nội dung');
      if ((await area.evaluate((el) => el.tagName)) !== 'TEXTAREA') return 'the label names something else';
      if (!(await area.isVisible())) return 'the text area is not shown';
    });
  } finally {
    await plain.close();
  }
}

await runChecks(run, RUN_TIMEOUT_MS);
