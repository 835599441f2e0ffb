// Drives Debian's Chromium through the console against a running `sangkien --demo`:
// an author drafts a dossier, attaches a PDF and submits; the unit head confirms; the
// office registers. Checks the Vietnamese texts and an API problem in both languages,
// saves a screenshot of each main screen, prints `console: N passed, M failed`.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = process.env.SANGKIEN_URL;
const demo = fs.readFileSync(process.env.DEMO_TXT, 'utf8');
const shots = process.env.SHOTS_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'console-shots-'));
fs.mkdirSync(shots, { recursive: true });
const password = (user) => {
  const line = demo.split('\n').find((l) => l.trim().split(/\s+/)[0] === user);
  if (!line) throw new Error(`no demo password for ${user}`);
  return line.trim().split(/\s+/).pop();
};

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = browser.pages()[0] ?? (await browser.newPage());
page.setDefaultTimeout(15000);
let passed = 0;
let failed = 0;
const name = `Sáng kiến thử nghiệm ${Date.now()}`;

async function step(title, fn) {
  if (failed) {
    console.log(`skip  ${title}`);
    failed++;
    return;
  }
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok    ${title} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${title}: ${e.message}`);
    await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  }
}
const shot = (file) => page.screenshot({ path: path.join(shots, file), fullPage: true });
const text = (t) => page.getByText(t, { exact: false }).first().waitFor();

async function signIn(user) {
  await page.goto(`${base}/`);
  await page.getByLabel('Tên đăng nhập hoặc e-mail').fill(user);
  await page.getByLabel('Mật khẩu').fill(password(user));
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}
async function signOut() {
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
}
async function pick(label, option) {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

await step('the sign-in page is in Vietnamese and an API problem shows in vi then en', async () => {
  await page.goto(`${base}/`);
  await text('Sáng kiến — Đăng nhập');
  await shot('01-sign-in.png');
  await page.getByLabel('Tên đăng nhập hoặc e-mail').fill('gv.hoa');
  await page.getByLabel('Mật khẩu').fill('not-the-password');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await text('Tên đăng nhập hoặc mật khẩu không đúng');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByLabel('User name or e-mail').fill('gv.hoa');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await text('Wrong sign-in name or password');
  await shot('02-sign-in-error-en.png');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
});

await step('author signs in and sees her dossiers', async () => {
  await signIn('gv.hoa');
  await text('Hồ sơ của tôi');
  await shot('03-author-dossiers.png');
});

await step('author drafts a dossier with every required field', async () => {
  await page.getByRole('button', { name: 'Tạo hồ sơ' }).first().click();
  await pick('Kế hoạch', '163/KH-UBND');
  await pick('Lĩnh vực', 'Giáo dục');
  await page.getByLabel('Tên sáng kiến').fill(name);
  await pick('Loại sáng kiến', 'Giải pháp tác nghiệp');
  await page.getByLabel('Ngày áp dụng lần đầu').fill('01/09/2026');
  await page.getByLabel('Ngày áp dụng lần đầu').press('Enter');
  await page.getByLabel('Lĩnh vực áp dụng').fill('Giảng dạy môn Toán');
  await page.getByLabel('Mô tả bản chất').fill('Dạy học theo dự án với phiếu học tập số.');
  await page.getByLabel('Điều kiện cần thiết để áp dụng').fill('Máy chiếu, phòng học.');
  await page.getByLabel('Nơi đã áp dụng và kết quả').fill('Lớp 8A, kết quả tăng 15%.');
  await page.getByLabel('Lợi ích theo đánh giá của tác giả').fill('Học sinh hứng thú hơn.');
  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hoa');
  await page.getByLabel('Ngày sinh').fill('12/03/1985');
  await page.getByLabel('Ngày sinh').press('Enter');
  await page.getByLabel('Nơi công tác').fill('Trường THCS Lý Tự Trọng');
  await page.getByLabel('Chức danh').fill('Giáo viên');
  await page.getByLabel('Trình độ chuyên môn').fill('Cử nhân Sư phạm Toán');
  await text('Tổng tỷ lệ đóng góp: 100%');
  await page.getByLabel('Tôi cam đoan').check();
  await shot('04-request-form.png');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForURL(/\/dossiers\/[0-9a-f-]{36}$/);
  await text('Bản nháp');
});

await step('author attaches a PDF with the progress bar', async () => {
  const pdf = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
  await page.locator('input[type=file]').setInputFiles({ name: 'bao-cao-mo-ta.pdf', mimeType: 'application/pdf', buffer: pdf });
  await text('bao-cao-mo-ta.pdf (');
});

await step('author submits', async () => {
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await text('Đã nộp hồ sơ');
  await shot('05-submitted.png');
  await signOut();
});

await step('unit head confirms', async () => {
  await signIn('hieu.truong');
  await text('Chờ xác nhận');
  const row = page.locator('tr', { hasText: name });
  await row.getByRole('button', { name: 'Xác nhận' }).waitFor();
  await shot('06-unit-head.png');
  await row.getByRole('button', { name: 'Xác nhận' }).click();
  await text('Đã xác nhận');
  await signOut();
});

await step('receiving office registers and sees the receipt', async () => {
  await signIn('phong.gd');
  await text('Tiếp nhận hồ sơ');
  const row = page.locator('tr', { hasText: name });
  await row.getByRole('button', { name: 'Tiếp nhận' }).click();
  await page.locator('.ant-modal-confirm-content', { hasText: 'được tiếp nhận' }).waitFor({ state: 'attached' });
  await page.waitForTimeout(500);
  await shot('07-office-receipt.png');
});

await browser.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log(`screenshots: ${shots}`);
console.log(`console: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
