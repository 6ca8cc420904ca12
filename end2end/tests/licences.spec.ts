import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, licenceDates, loginAs, makeEnterprise, makeRegulator, recordRequests, sql } from './helpers';

/** The note under a field the page filled with a refused post's text. */
const KEPT_NOTE = '这是您上次提交未成功时填写的内容,已放回:请核对后再提交(保留一天)。';

const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%material\n') });

/** Opens the case page as the current user and waits for it to be live. */
async function openCase(page: Page, id: string) {
  await gotoHydrated(page, `/cases/${id}`);
}

test('a first application with storage: checklist, one 补正 round, on-site check by two, approval, certificate and its public check', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const code = makeEnterprise('南京许可申请测试化工有限公司', '13900001111');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/licences');
  await expect(page.getByText('经营方式、许可范围变化')).toBeVisible();
  await page.getByRole('button', { name: '首次申请' }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const id = page.url().split('/').pop() as string;
  await expect(page.locator('h1')).toContainText('首次申请 · 南京许可申请测试化工有限公司');
  // What registration knows is already there.
  await expect(page.getByLabel('企业名称', { exact: true })).toHaveValue('南京许可申请测试化工有限公司');

  await page.getByLabel('主要负责人', { exact: true }).fill('李强');
  await page.getByLabel('经营场所地址', { exact: true }).fill('南京市玄武区北京东路1号');
  await page.getByLabel('经营方式', { exact: true }).selectOption({ label: '有储存经营(不构成重大危险源)' });
  // The checklist follows the answer: storage adds its items.
  await expect(page.locator('.field.material')).toHaveCount(9);
  await page.getByLabel(/许可范围/).fill('汽油,86290-81-5\n甲醇,67-56-2');
  await page.getByLabel('联系人姓名').fill('王芳');
  await page.getByLabel(/联系人手机号/).fill('13900001111');

  // Submitting checks everything in the browser first, with the server's messages.
  const requests = recordRequests(page);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByText('第2行:CAS号 67-56-2 的校验位不符')).toBeVisible();
  await expect(page.getByText('有储存设施的,请填写储存场所地址。')).toBeVisible();
  await expect(page.getByText('请上传“安全评价报告”。')).toBeVisible();
  expect(requests.filter((r) => r.url().includes('/api/'))).toHaveLength(0);

  await page.getByLabel(/许可范围/).fill('汽油,86290-81-5\n甲醇,67-56-1');
  await page.getByLabel(/储存场所地址/).fill('南京市江北新区化工园1号');
  const inputs = page.locator('.field.material input[type=file]');
  for (let i = 0; i < 9; i++) {
    await inputs.nth(i).setInputFiles(pdf(`材料${i + 1}.pdf`));
    await expect(page.locator('.field.material').nth(i).locator('ul.attached li')).toHaveCount(1);
  }
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('status').filter({ hasText: '提交申请' })).toContainText('已提交申请');
  await expect(page.locator('.case-step')).toHaveText('待受理');
  await expect(page.locator('dd.holder')).toHaveText('南京市应急管理局');
  // Stored as shown.
  expect(sql('SELECT step FROM licence_cases WHERE id = ?', id)[0][0]).toBe('submitted');

  // The issuing authority: its inbox, one 补正 notice.
  const staff = await (await browser.newContext()).newPage();
  await loginAs(staff, 'regulator', makeRegulator('nj-city'));
  await gotoHydrated(staff, '/cases');
  await expect(staff.locator('table.cases')).toContainText('南京许可申请测试化工有限公司');
  await staff.getByRole('link', { name: `第 ${id} 号` }).click();
  await expect(staff.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await staff.getByRole('button', { name: '一次性告知补正' }).click();
  await expect(staff.getByText('请在补正通知中逐项写明')).toBeVisible();
  await staff.getByLabel(/补正通知:/).fill('1. 安全评价报告缺少签章页;2. 租赁合同已过期');
  await staff.getByRole('button', { name: '一次性告知补正' }).click();
  await expect(staff.locator('.case-step')).toHaveText('待补正');

  // The applicant sees everything to fix at once, fixes and resubmits.
  await openCase(page, id);
  await expect(page.locator('.correction-notice')).toContainText('安全评价报告缺少签章页');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('.case-step')).toHaveText('待受理');

  // The same officer, without JavaScript, on a page opened before the claim below.
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await staff.context().storageState() });
  const noJs = await plain.newPage();
  await noJs.goto(`/cases/${id}`);
  await openCase(staff, id);
  // Claimed openly: the case names who handles it.
  await staff.getByRole('button', { name: '认领本案' }).click();
  await expect(staff.getByRole('button', { name: '放弃认领' })).toBeVisible();
  // The out-of-date page's 不予受理 is refused, and its reason comes back as typed.
  const reason = '经营场所证明材料\n与实际不符';
  await noJs.getByLabel('不予受理的理由').fill(reason);
  await noJs.getByRole('button', { name: '不予受理', exact: true }).click();
  await expect(noJs.locator('main p.alert').first()).toContainText('案件刚刚被他人处理过');
  // The page it came back to is up to date: nothing to reload.
  await expect(noJs.getByRole('button', { name: '刷新页面,查看最新进度' })).toHaveCount(0);
  await expect(noJs.getByLabel('不予受理的理由')).toHaveValue(reason);
  await expect(noJs.getByLabel('不予受理的理由')).toHaveAccessibleDescription(/上次提交未成功时填写的内容,已放回/);
  expect(sql('SELECT step FROM licence_cases WHERE id = ?', id)[0][0]).toBe('submitted');
  await expect(staff.locator('dl.case-facts')).toContainText('承办人');
  await staff.getByRole('button', { name: '受理', exact: true }).click();
  await expect(staff.locator('.case-step')).toHaveText('审查中');
  // 不予受理 is no longer offered: its refused reason is there to copy.
  await expect(staff.locator('.kept-text')).toContainText('“不予受理”内容');
  await expect(staff.locator('.kept-text .kept-body')).toHaveText(reason);
  await expect(staff.locator('article.document').filter({ hasText: '受理通知书' })).toBeVisible();
  // The acceptance notice prints alone, with its number.
  const notice = staff.locator('article.document').filter({ hasText: '受理通知书' });
  const number = (await notice.locator('small').textContent()) as string;
  await notice.getByRole('link', { name: '打印' }).click();
  await expect(staff.locator('.printable-document h1')).toHaveText('受理通知书');
  await expect(staff.locator('.document-number')).toHaveText(number);
  await openCase(staff, id);
  // The on-site check is announced ahead: the applicant sees the day and who comes.
  const inThreeDays = new Date(Date.now() + (8 + 72) * 3600 * 1000).toISOString().slice(0, 10);
  // Sent without JavaScript with one inspector: the form comes back filled,
  // its message at the field; the live page then starts from it too.
  await noJs.goto(`/cases/${id}`);
  await noJs.getByLabel('拟核查日期').fill(inThreeDays);
  await noJs.getByLabel(/拟派人员/).fill('刘洋');
  await noJs.getByRole('button', { name: '安排核查并通知申请人' }).click();
  await expect(noJs).toHaveURL(/kept=case%2F\d+%2Fonsite_plan/);
  await expect(noJs.locator('#f-plan-inspectors-msg')).toContainText('现场核查须由至少两名工作人员进行');
  await expect(noJs.getByLabel(/拟派人员/)).toHaveValue('刘洋');
  await expect(noJs.getByLabel('拟核查日期')).toHaveValue(inThreeDays);
  await expect(noJs.locator('.onsite-plan-form .kept-note')).toHaveText(KEPT_NOTE);
  await expect(noJs.locator('main p.alert')).toHaveCount(0);
  await plain.close();
  await openCase(staff, id);
  await expect(staff.getByLabel(/拟派人员/)).toHaveValue('刘洋');
  await expect(staff.getByLabel('拟核查日期')).toHaveValue(inThreeDays);
  await staff.getByLabel(/拟派人员/).fill('刘洋\n陈晨');
  await staff.getByRole('button', { name: '安排核查并通知申请人' }).click();
  await expect(staff.locator('.onsite-plan')).toContainText(`${inThreeDays} 现场核查,核查人员:刘洋、陈晨`);
  await openCase(page, id);
  await expect(page.locator('.onsite-plan')).toContainText(inThreeDays);
  // Done: nothing of the refused plan is kept.
  expect(sql("SELECT COUNT(*) FROM kept_text WHERE form LIKE ?", `case/${id}/onsite%`)[0][0]).toBe('0');
  expect(sql("SELECT COUNT(*) FROM sms_messages WHERE mobile = '13900001111' AND body LIKE '%现场核查%'")[0][0]).toBe('1');
  // No approval before the on-site check: the page says what is missing.
  await expect(staff.getByText('准予许可前须登记现场核查')).toBeVisible();
  await expect(staff.getByRole('button', { name: '准予许可' })).toHaveCount(0);
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await staff.getByLabel('核查开始日期').fill(today);
  await staff.getByLabel('核查结束日期').fill(today);
  await staff.getByLabel(/核查人员/).fill('刘洋');
  await staff.getByLabel('核查情况').fill('储存设施与申请材料一致');
  await staff.getByRole('button', { name: '登记现场核查' }).click();
  await expect(staff.getByText('现场核查须由至少两名工作人员进行')).toBeVisible();
  // The message is the field's own description, and the field says it is wrong.
  await expect(staff.getByLabel(/核查人员/)).toHaveAccessibleDescription(/现场核查须由至少两名工作人员进行/);
  await expect(staff.getByLabel(/核查人员/)).toHaveAttribute('aria-invalid', 'true');
  await staff.getByLabel(/核查人员/).fill('刘洋\n陈晨');
  await staff.getByRole('button', { name: '登记现场核查' }).click();
  await expect(staff.locator('.onsite-record')).toContainText('刘洋、陈晨');
  await staff.getByRole('button', { name: '准予许可' }).click();
  await expect(staff.locator('.case-step')).toHaveText('准予许可,待发证');
  await staff.getByRole('button', { name: '发证' }).click();
  await expect(staff.getByRole('status').filter({ hasText: '已发证' })).toContainText('已发证:证书编号 苏(宁)危化经字〔');
  await expect(staff.locator('.case-step')).toHaveText('已发证');

  // The applicant: the certificate, printable, with a QR code to the public check.
  await openCase(page, id);
  await page.getByRole('link', { name: '查看、打印证书' }).click();
  await expect(page.locator('h1.certificate-title')).toHaveText('危险化学品经营许可证');
  await expect(page.locator('.certificate-copy')).toHaveText('(正本)');
  await expect(page.locator('.certificate-qr svg')).toBeVisible();
  await expect(page.locator('dl.certificate-items')).toContainText('有储存经营(不构成重大危险源)');
  await expect(page.locator('dl.certificate-items')).toContainText('发证日期');
  await page.screenshot({ path: 'test-results/certificate.png', fullPage: true });
  await page.getByRole('link', { name: '副本(A4 纵向)' }).click();
  await expect(page.locator('.certificate-copy')).toHaveText('(副本)');
  await expect(page.locator('.certificate.duplicate .certificate-qr svg')).toBeVisible();
  const verify = await page.locator('.verify-url a').getAttribute('href');
  const anyone = await (await browser.newContext()).newPage();
  await gotoHydrated(anyone, new URL(verify as string).pathname);
  await expect(anyone.locator('.verify-status')).toHaveText('证书状态:有效');
  await expect(anyone.locator('dl.certificate-items')).toContainText('南京许可申请测试化工有限公司');
  await expect(anyone.locator('dl.certificate-items')).not.toContainText('法定代表人');
  // Anyone also finds it by part of the name, without the QR code.
  await gotoHydrated(anyone, '/lookup');
  await anyone.getByLabel('许可证编号、统一社会信用代码或企业名称').fill('许可申请测试化工');
  await anyone.getByRole('button', { name: '查询' }).click();
  await expect(anyone.locator('table.lookup-results tbody tr')).toHaveCount(1);
  await expect(anyone.locator('table.lookup-results')).toContainText('有储存经营(不构成重大危险源)');
  await expect(anyone.locator('table.lookup-results .status')).toHaveText('有效');
  // The licence is in the enterprise's record at once.
  await gotoHydrated(page, '/workspace');
  await expect(page.locator('.licence-list')).toContainText('苏(宁)危化经字〔');
});

test('a case saved in another tab meanwhile: this tab says so, and keeps what was typed', async ({ page }) => {
  const code = makeEnterprise('南京两窗口测试化工有限公司', '13900001122');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/licences');
  await page.getByRole('button', { name: '首次申请' }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const id = page.url().split('/').pop() as string;
  const other = await page.context().newPage();
  await openCase(other, id);
  await other.getByLabel('主要负责人', { exact: true }).fill('李强');
  await other.getByRole('button', { name: '保存', exact: true }).click();
  await expect(other.getByText('已保存。可以随时回来继续填写。')).toBeVisible();

  await page.getByLabel('主要负责人', { exact: true }).fill('张伟');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.locator('.case-form').getByRole('alert').first()).toContainText('案件刚刚被他人处理过');
  // This page is out of date: it offers to load the latest.
  await expect(page.locator('.case-form').getByRole('button', { name: '刷新页面,查看最新进度' })).toBeVisible();
  await expect(page.getByLabel('主要负责人', { exact: true })).toHaveValue('张伟');
  // What the other tab saved stands.
  expect(sql('SELECT application FROM licence_cases WHERE id = ?', id)[0][0]).toContain('李强');
});

test('a 经营方式 change is not a 变更: the case says so and starts the first application instead', async ({ page }) => {
  const code = makeEnterprise('南京变更经营方式测试化工有限公司');
  const record = JSON.stringify({
    name: '南京变更经营方式测试化工有限公司', legal_rep: '王五', principal_name: '李强', principal_mobile: '13912345678',
    safety_name: '王芳', safety_mobile: '13812345678', registered_address: '南京市玄武区北京东路1号',
    business_address: '南京市玄武区北京东路1号', storage_address: '', region_code: '320102', economic_type: '有限责任公司',
    fuel_station: 'no', has_storage: 'no', major_hazard: '', business_mode: 'no_storage', multi_licence: 'no',
    licences: [{ number: '苏(宁)危化经字〔2025〕000456', issuer: '南京市玄武区应急管理局', issued_on: licenceDates().issued, valid_until: licenceDates().until,
      mode: 'no_storage', scope: [{ name: '硫酸', cas: '7664-93-9', stored: false }], business_address: '南京市玄武区北京东路1号', storage_address: '' }],
  });
  sql("INSERT INTO enterprise_info (enterprise_id, status, draft, confirmed, version, updated_at) VALUES ((SELECT id FROM enterprises WHERE credit_code = ?), 'confirmed', ?, ?, 1, 0)", code, record, record);
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/licences');
  const row = held(page, '苏(宁)危化经字〔2025〕000456');
  await row.getByRole('button', { name: '变更' }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('h1')).toContainText('变更');
  await page.getByRole('checkbox', { name: '经营方式' }).check();
  await expect(page.locator('.reapply')).toContainText('变更经营方式的,应当重新申请经营许可证');
  await page.getByRole('button', { name: '改为首次申请' }).click();
  await expect(page.locator('h1')).toContainText('首次申请');
  await expect(page.locator('.case-step')).toHaveText('填写中(未提交)');
});

/** Confirms a record for a new enterprise holding the given licences (number, valid until, mode). */
function enterpriseWithLicences(name: string, licences: [string, string, string][]): string {
  const code = makeEnterprise(name);
  const record = JSON.stringify({
    name, legal_rep: '王五', principal_name: '李强', principal_mobile: '13912345678',
    safety_name: '王芳', safety_mobile: '13812345678', registered_address: '南京市玄武区北京东路1号',
    business_address: '南京市玄武区北京东路1号', storage_address: '南京市江北新区化工园1号', region_code: '320102', economic_type: '有限责任公司',
    fuel_station: 'no', has_storage: 'yes', major_hazard: 'no', business_mode: 'storage', multi_licence: licences.length > 1 ? 'yes' : 'no',
    licences: licences.map(([number, until, mode]) => ({ number, issuer: '南京市应急管理局', issued_on: '2024-01-10', valid_until: until,
      mode, scope: [{ name: '硫酸', cas: '7664-93-9', stored: true }], business_address: '南京市玄武区北京东路1号', storage_address: '南京市江北新区化工园1号' })),
  });
  sql("INSERT INTO enterprise_info (enterprise_id, status, draft, confirmed, version, updated_at) VALUES ((SELECT id FROM enterprises WHERE credit_code = ?), 'confirmed', ?, ?, 1, 0)", code, record, record);
  return code;
}

/** The row of a held licence in the start panel of /licences. */
const held = (page: Page, licence: string) => page.locator('section[aria-labelledby=start-title] tr', { hasText: licence });

/** Starts `kind` for `licence` on /licences and returns the new case's id. */
async function startFor(page: Page, licence: string, kind: string): Promise<string> {
  await gotoHydrated(page, '/licences');
  await held(page, licence).getByRole('button', { name: kind }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  return page.url().split('/').pop() as string;
}

async function uploadAllAndSubmit(page: Page) {
  const items = page.locator('.field.material');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    await items.nth(i).locator('input[type=file]').setInputFiles(pdf(`材料${i + 1}.pdf`));
    await expect(items.nth(i).locator('ul.attached li')).toHaveCount(1);
  }
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('.case-step')).toHaveText('待受理');
}

/** The issuing authority clicks its way through `buttons` on case `id`. */
async function decide(staff: Page, id: string, buttons: string[]) {
  await gotoHydrated(staff, `/cases/${id}`);
  for (const b of buttons) {
    const before = (await staff.locator('.case-step').textContent()) as string;
    await staff.getByRole('button', { name: b, exact: true }).click();
    await expect(staff.locator('.case-step')).not.toHaveText(before);
  }
}

test('延期 in time and late, a 变更 of 主要负责人 that keeps the validity, and a 注销 the public check then shows', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const soon = new Date(Date.now() + 8 * 3600 * 1000 + 30 * 86400 * 1000).toISOString().slice(0, 10);
  // Years left (not due), and three more after a 延期.
  const { until: far } = licenceDates();
  const renewed = `${Number(far.slice(0, 4)) + 3}${far.slice(4)}`;
  const code = enterpriseWithLicences('南京延期变更注销测试有限公司', [
    ['苏(宁)危化经字〔2024〕000701', far, 'storage'],
    ['苏(宁)危化经字〔2024〕000702', soon, 'storage'],
  ]);
  await loginAs(page, 'enterprise', code);
  const staff = await (await browser.newContext()).newPage();
  await loginAs(staff, 'regulator', makeRegulator('nj-city'));

  // 延期 of the licence with years left: simplified, in time, three more years.
  let id = await startFor(page, '000701', '延期换证');
  await page.getByRole('checkbox', { name: /申请简化延期/ }).check();
  await expect(page.locator('.field.material')).toHaveCount(4);
  await uploadAllAndSubmit(page);
  await expect(page.locator('.late-filing')).toHaveCount(0);
  await decide(staff, id, ['受理', '准予许可', '发证']);
  await gotoHydrated(page, '/licences');
  await expect(held(page, '000701')).toContainText(renewed);

  // 延期 a month before expiry: accepted, flagged late to both sides.
  id = await startFor(page, '000702', '延期换证');
  await page.getByRole('checkbox', { name: /申请简化延期/ }).check();
  await uploadAllAndSubmit(page);
  await expect(page.locator('.late-filing')).toContainText('延期申请应在有效期届满3个月前');
  await gotoHydrated(staff, '/cases');
  // A late 延期 is escalated: flagged and first in the inbox.
  await expect(staff.locator('tr', { hasText: `第 ${id} 号` })).toContainText('逾期延期申请·优先审查');
  await expect(staff.locator('table.cases tbody tr').first()).toContainText(`第 ${id} 号`);

  // 变更 of 主要负责人: the validity stays, the change is on the certificate.
  id = await startFor(page, '000701', '变更');
  await page.getByRole('checkbox', { name: '主要负责人' }).check();
  await page.getByRole('textbox', { name: '主要负责人' }).fill('周新');
  const changed = new Date(Date.now() + 8 * 3600 * 1000 - 5 * 86400 * 1000).toISOString().slice(0, 10);
  await page.getByLabel(/变更发生日期/).fill(changed);
  await expect(page.locator('.field.material')).toHaveCount(3);
  await uploadAllAndSubmit(page);
  await decide(staff, id, ['受理', '准予许可', '发证']);
  await gotoHydrated(page, `/cases/${id}`);
  await page.getByRole('link', { name: '查看、打印证书' }).click();
  await expect(page.locator('dl.certificate-items')).toContainText(renewed);
  await expect(page.locator('dl.certificate-items')).toContainText('变更:主要负责人');
  const verify = new URL((await page.locator('.verify-url a').getAttribute('href')) as string).pathname;

  // 注销: the licence leaves the record and the public check says so.
  id = await startFor(page, '000701', '注销');
  await page.getByLabel('注销原因').fill('不再从事危险化学品经营');
  await uploadAllAndSubmit(page);
  await decide(staff, id, ['受理', '准予注销']);
  await gotoHydrated(page, '/licences');
  await expect(held(page, '000701')).toHaveCount(0);
  const anyone = await (await browser.newContext()).newPage();
  await gotoHydrated(anyone, verify);
  await expect(anyone.locator('.verify-status')).toContainText('证书状态:已注销');
});
