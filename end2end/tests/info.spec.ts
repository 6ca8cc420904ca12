import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { completeViaApi, gotoHydrated, licenceDates, loginAs, makeEnterprise, makeRegulator, openStep, recordRequests, SAME_ORIGIN, saveAndNext, sql } from './helpers';

const yes = (page: Page, question: RegExp) => page.getByRole('group', { name: question }).getByLabel('是');
const no = (page: Page, question: RegExp) => page.getByRole('group', { name: question }).getByLabel('否');

async function fillBasic(page: Page) {
  await page.getByLabel('主要负责人', { exact: true }).fill('李强');
  await page.getByLabel('主要负责人手机').fill('13912345678');
  await page.getByLabel('安全管理人员', { exact: true }).fill('王芳');
  await page.getByLabel('安全管理人员手机').fill('13812345678');
  await page.getByLabel('经营场所').fill('南京市玄武区北京东路1号');
  await page.getByLabel(/^储存场所/).fill('南京市江北新区化工园1号');
  await page.getByLabel('区县').selectOption({ label: '玄武区' });
  await page.getByLabel('经济类型').selectOption({ label: '有限责任公司' });
}

async function fillLicence(page: Page, n: number, number: string, mode: string) {
  const card = page.getByRole('region', { name: `经营许可证${n}` });
  await card.getByLabel('许可证编号').fill(number);
  await card.getByLabel('发证机关').fill('南京市应急管理局');
  const { issued, until } = licenceDates();
  await card.getByLabel('发证日期').fill(issued);
  // Three years less a day, filled in from the date of issue.
  await expect(card.getByLabel(/^有效期至/)).toHaveValue(until);
  await card.getByLabel('许可证上的经营方式').selectOption({ label: mode });
  await card.getByLabel('品名 1').fill('硫酸');
  await card.getByLabel('CAS号').fill('7664-93-9');
  await card.getByLabel('储存', { exact: true }).check();
  await card.getByLabel('经营地址').fill('南京市玄武区北京东路1号');
  await card.getByLabel(/^储存地址/).fill('南京市江北新区化工园1号');
}

test('an enterprise completes its information with several licences and submits', async ({ page }) => {
  const code = makeEnterprise('南京多证测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await expect(page.locator('.info-status')).toHaveText('待完善');
  await page.getByRole('link', { name: '完善信息' }).last().click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('企业名称')).toHaveValue('南京多证测试化工有限公司');

  // A step with a problem is saved as a draft and says what is wrong.
  await page.getByLabel('主要负责人手机').fill('1391234');
  await page.getByRole('button', { name: '保存并下一步' }).click();
  await expect(page.getByLabel('主要负责人手机')).toHaveAccessibleDescription(/11位/);
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  await fillBasic(page);
  await saveAndNext(page);

  await expect(page.getByRole('heading', { name: /经营方式/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /已保存草稿\(第\d+版\)/ })).toBeVisible();
  await expect(page).toHaveURL(/\/info\?step=mode$/);
  await no(page, /是否经营加油站/).check();
  await yes(page, /是否有危险化学品储存设施/).check();
  await yes(page, /是否构成重大危险源/).check();
  await expect(page.locator('.recommended')).toHaveText('有储存经营(构成重大危险源)');
  // Without storage the major-hazard question goes away, and so does its
  // earlier answer: the advice follows the questions that are shown.
  await no(page, /是否有危险化学品储存设施/).check();
  await expect(page.getByText('是否构成重大危险源')).toHaveCount(0);
  await expect(page.locator('.recommended')).toHaveText('无储存经营');
  await yes(page, /是否有危险化学品储存设施/).check();
  await expect(page.locator('.recommended')).toHaveText('有储存经营(构成重大危险源)');
  await page.getByRole('button', { name: '采用推荐' }).click();
  await expect(page.getByLabel('经营方式')).toHaveValue('storage_major_hazard');
  await saveAndNext(page);

  await expect(page.getByRole('heading', { name: /许可证/ })).toBeVisible();
  await yes(page, /是否一企多证/).check();
  await page.getByRole('button', { name: '新增经营许可证' }).click();
  await fillLicence(page, 1, '苏(宁)危化经字〔2024〕000201', '有储存经营(构成重大危险源)');
  // The certificate scan: refused in the browser by type, then uploaded.
  const first = page.getByRole('region', { name: '经营许可证1' });
  const scan = first.getByLabel(/^证书扫描件/);
  await scan.setInputFiles({ name: 'scan.txt', mimeType: 'text/plain', buffer: Buffer.from('not a scan') });
  await expect(scan).toHaveAccessibleDescription(/只能上传 PDF、JPG 或 PNG/);
  await scan.setInputFiles({ name: '许可证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%scan\n') });
  await expect(first.getByRole('link', { name: '许可证.pdf' })).toBeVisible();
  await page.getByRole('button', { name: '新增经营许可证' }).click();
  await fillLicence(page, 2, '苏(宁)危化经字[2024]000202', '有储存经营(构成重大危险源)');
  await saveAndNext(page);

  await expect(page.getByText('信息已完整')).toBeVisible();
  // A review of everything before 提交, as the regulator will read it.
  const review = page.getByRole('region', { name: '提交前请核对' });
  await expect(review).toContainText('江苏省 南京市 玄武区');
  await expect(review).toContainText('李强');
  await expect(review).toContainText('苏(宁)危化经字〔2024〕000201');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.locator('.status-badge')).toHaveText('已提交,待确认');
  const [row] = sql("SELECT i.status, i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?", code);
  expect(row[0]).toBe('submitted');
  const stored = JSON.parse(row[1]);
  expect(stored.licences.map((l: { number: string }) => l.number)).toEqual(['苏(宁)危化经字〔2024〕000201', '苏(宁)危化经字[2024]000202']);
  expect(stored.business_mode).toBe('storage_major_hazard');
  // Submitted is read-only, on every step.
  await openStep(page, '1 基础信息', 'basic');
  await expect(page.getByLabel('主要负责人', { exact: true })).toBeDisabled();
});

test('a draft keeps whatever was typed, says what is still to fix, and leaving with unsaved typing asks first', async ({ page }) => {
  const code = makeEnterprise('南京草稿测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info');
  await page.getByLabel('主要负责人', { exact: true }).fill('李强');
  await page.getByLabel('主要负责人手机').fill('1391234');
  await page.getByRole('button', { name: '保存草稿' }).click();
  const pending = page.locator('.pending-summary');
  await expect(pending).toContainText(/已保存草稿\(第\d+版\)。提交前还需修改以下内容/);
  await expect(pending.getByRole('link', { name: /主要负责人手机/ })).toBeVisible();
  await expect(page.locator('.error-summary')).toHaveCount(0);
  const [[draft]] = sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code);
  expect(JSON.parse(draft)).toMatchObject({ principal_name: '李强', principal_mobile: '1391234' });

  // Typing not yet saved: a link asks first, and 取消 keeps it.
  await page.getByLabel('安全管理人员', { exact: true }).fill('王芳');
  const asked: string[] = [];
  page.once('dialog', (d) => { asked.push(d.type() + ':' + d.message()); void d.dismiss(); });
  await page.locator('header').getByRole('link', { name: '帮助中心' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toMatch(/^confirm:本页有尚未保存的内容/);
  await expect(page).toHaveURL(/\/info\?step=basic$/);
  await expect(page.getByLabel('安全管理人员', { exact: true })).toHaveValue('王芳');
  // A reload asks too (the browser's own dialog).
  page.once('dialog', (d) => { asked.push(d.type()); void d.accept(); });
  await page.reload();
  await expect.poll(() => asked.length).toBe(2);
  expect(asked[1]).toBe('beforeunload');
  // Once saved, nothing is asked.
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('安全管理人员', { exact: true }).fill('王芳');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(pending).toContainText('已保存草稿');
  page.on('dialog', (d) => { asked.push(d.type()); void d.dismiss(); });
  await page.locator('header').getByRole('link', { name: '帮助中心' }).click();
  await expect(page).toHaveURL(/\/help$/);
  expect(asked).toHaveLength(2);
});

test('each step is a page: its link saves what was typed first, and says so once', async ({ page }) => {
  const code = makeEnterprise('南京换步测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info');
  await expect(page).toHaveURL(/\/info\?step=basic$/);
  await page.getByLabel('主要负责人', { exact: true }).fill('赵六');
  const asked: string[] = [];
  page.on('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
  await openStep(page, '2 经营方式', 'mode');
  // Saved on the way (nothing asked), and said once on the step it went to.
  await expect(page.getByRole('status').filter({ hasText: /已保存草稿\(第\d+版\)/ })).toBeVisible();
  await expect(page).toHaveURL(/\/info\?step=mode$/);
  expect(asked).toEqual([]);
  const [[draft]] = sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code);
  expect(JSON.parse(draft).principal_name).toBe('赵六');
  await expect(page.locator('[aria-current=step]')).toContainText('经营方式');
  // Said once: a reload does not repeat it.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('group', { name: /是否经营加油站/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toHaveCount(0);
  // Back: the value is there; with nothing typed a step's link just goes.
  await openStep(page, '1 基础信息', 'basic');
  await expect(page.getByLabel('主要负责人', { exact: true })).toHaveValue('赵六');
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toHaveCount(0);
  await openStep(page, '4 提交', 'submit');
  await expect(page.getByRole('region', { name: '提交前请核对' })).toContainText('赵六');
  // The completeness check links each problem to its step's page.
  await page.locator('.issues').getByRole('link', { name: /基础信息 · 主要负责人手机/ }).click();
  await page.waitForURL(/\/info\?step=basic$/);
  expect(asked).toEqual([]);
});

test('an expired licence is named with what to do, to the enterprise and to the regulator deciding', async ({ browser }) => {
  const code = makeEnterprise('南京过期证测试化工有限公司');
  const page = await browser.newPage();
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info');
  await fillBasic(page);
  await saveAndNext(page);
  await no(page, /是否经营加油站/).check();
  await yes(page, /是否有危险化学品储存设施/).check();
  await no(page, /是否构成重大危险源/).check();
  await page.getByRole('button', { name: '采用推荐' }).click();
  await saveAndNext(page);
  await no(page, /是否一企多证/).check();
  await page.getByRole('button', { name: '新增经营许可证' }).click();
  await fillLicence(page, 1, '苏(宁)危化经字〔2021〕000301', '有储存经营(不构成重大危险源)');
  const card = page.getByRole('region', { name: '经营许可证1' });
  await card.getByLabel('发证日期').fill('2021-03-15');
  await card.getByLabel(/^有效期至/).fill('2024-03-14');
  await expect(card.getByRole('note')).toContainText('已于 2024-03-14 过期');
  await expect(card.getByRole('note').getByRole('link')).toHaveAttribute('href', '/help/faq-licence-expiry');
  await saveAndNext(page);
  await expect(page.getByRole('note').filter({ hasText: '许可证有效期提示' })).toContainText('苏(宁)危化经字〔2021〕000301 已于 2024-03-14 过期');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.locator('.status-badge')).toHaveText('已提交,待确认');

  const county = await browser.newPage();
  await loginAs(county, 'regulator', makeRegulator());
  await gotoHydrated(county, `/maintenance/${code}`);
  await expect(county.locator('.submitted').getByRole('note')).toContainText('已于 2024-03-14 过期');
  await county.close();
  await page.close();
});

test('the questions recommend 加油站, and an inconsistent choice is refused in the browser and on the server', async ({ page }) => {
  const code = makeEnterprise('南京加油站测试有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info?step=mode');
  await yes(page, /是否经营加油站/).check();
  await yes(page, /是否有危险化学品储存设施/).check();
  await no(page, /是否构成重大危险源/).check();
  await expect(page.locator('.recommended')).toHaveText('加油站');
  await expect(page.locator('.advice')).toContainText('加油站未构成重大危险源时,经营方式选择“加油站”');

  await page.getByLabel('经营方式').selectOption({ label: '无储存经营' });
  const message = /根据您的回答应选择“加油站”,而不是“无储存经营”/;
  await expect(page.getByLabel('经营方式')).toHaveAccessibleDescription(message);

  // The server says the same about the same record.
  const info = await page.request.post('/api/info/mine', { headers: { Accept: 'application/json', ...SAME_ORIGIN } });
  const mine = await info.json();
  const record = { ...mine.draft, fuel_station: 'yes', has_storage: 'yes', major_hazard: 'no', business_mode: 'no_storage' };
  const res = await page.request.post('/api/info/save', {
    data: { step: 'mode', record, base_version: mine.version },
    headers: { Accept: 'application/json', ...SAME_ORIGIN },
  });
  expect(res.status()).toBe(200);
  const saved = await res.json();
  expect(saved.errors.business_mode).toMatch(message);

  // Major hazard source: 有储存经营(构成重大危险源).
  await yes(page, /是否构成重大危险源/).check();
  await expect(page.locator('.recommended')).toHaveText('有储存经营(构成重大危险源)');
});

/** Puts a complete record of `code` in the database as saved, at version 2 (draft). */
test('submit, 撤回, confirmation by the county, then 信息变更 with the confirmed version in force', async ({ browser }) => {
  test.slow(); // many page loads by two users
  const code = makeEnterprise('南京变更测试化工有限公司');
  const enterprise = await browser.newPage();
  await loginAs(enterprise, 'enterprise', code);
  await completeViaApi(enterprise);
  await gotoHydrated(enterprise, '/info?step=submit');
  await enterprise.getByRole('button', { name: '提交', exact: true }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('已提交,待确认');
  // 撤回 is a disclosure (no script needed) whose 确定撤回 is a plain post.
  await enterprise.locator('summary', { hasText: '撤回' }).click();
  const withdraw = enterprise.getByRole('region', { name: '撤回这次提交?' });
  await expect(withdraw).toContainText('监管部门将不再看到这次提交');
  await withdraw.getByRole('button', { name: '确定撤回' }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('待完善');
  await expect(enterprise.getByRole('status').filter({ hasText: '已撤回' })).toBeVisible();
  // The step is in the address: a reload reopens it.
  await openStep(enterprise, '3 许可证', 'licences');
  await expect(enterprise).toHaveURL(/\/info\?step=licences$/);
  await enterprise.reload();
  await expect(enterprise.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(enterprise.locator('[aria-current=step]')).toContainText('许可证');
  await openStep(enterprise, '1 基础信息', 'basic');
  await expect(enterprise.getByLabel('主要负责人', { exact: true })).toBeEnabled();
  await openStep(enterprise, '4 提交', 'submit');
  await enterprise.getByRole('button', { name: '提交', exact: true }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('已提交,待确认');

  const county = await browser.newPage();
  await loginAs(county, 'regulator', makeRegulator());
  await gotoHydrated(county, '/maintenance?q=' + encodeURIComponent('南京变更测试'));
  await county.getByRole('link', { name: '南京变更测试化工有限公司' }).click();
  // The record's page has no island: 确认 is a plain form post, and the
  // page it comes back to says what it did.
  await county.waitForURL(/\/maintenance\/9/);
  await expect(county.getByRole('heading', { name: '企业提交的信息(待确认)' })).toBeVisible();
  await expect(county.locator('.submitted')).toContainText('李强');
  await county.getByRole('button', { name: '确认', exact: true }).click();
  await expect(county.getByRole('status')).toHaveText('已确认企业信息。');
  await expect(county.locator('.status-badge')).toHaveText('已确认');

  await gotoHydrated(enterprise, '/info');
  await expect(enterprise.locator('.status-badge')).toHaveText('已确认');
  await enterprise.locator('summary', { hasText: '信息变更' }).click();
  const dialog = enterprise.getByRole('region', { name: '开始信息变更?' });
  await expect(dialog).toContainText('原已确认的信息继续有效');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('变更中(原信息继续有效)');
  await enterprise.getByLabel('主要负责人', { exact: true }).fill('吴十');
  await enterprise.getByRole('button', { name: '保存草稿' }).click();
  await expect(enterprise.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  // The regulator still sees the confirmed version.
  await county.reload();
  await expect(county.locator('dl.record')).toContainText('李强');
  await expect(county.locator('dl.record')).not.toContainText('吴十');
});

async function confirmedEnterprise(browser: import('@playwright/test').Browser, name: string, mobile?: string) {
  const code = makeEnterprise(name, mobile);
  const enterprise = await browser.newPage();
  await loginAs(enterprise, 'enterprise', code);
  await completeViaApi(enterprise);
  const mine = await (await enterprise.request.post('/api/info/mine', { headers: { Accept: 'application/json', ...SAME_ORIGIN } })).json();
  await enterprise.request.post('/api/info/submit', { form: { base_version: String(mine.version) }, headers: { Accept: 'application/json', ...SAME_ORIGIN } });
  const county = await browser.newPage();
  await loginAs(county, 'regulator', makeRegulator());
  const rec = await (await county.request.post('/api/info/record', { form: { credit_code: code }, headers: { Accept: 'application/json', ...SAME_ORIGIN } })).json();
  const res = await county.request.post('/api/info/decide', {
    form: { credit_code: code, base_version: String(rec.version), approve: 'true', reason: '' },
    headers: { Accept: 'application/json', ...SAME_ORIGIN },
  });
  expect(res.status()).toBe(200);
  return { code, enterprise, county };
}

async function propose(county: Page, code: string, principal: string) {
  await gotoHydrated(county, `/maintenance/${code}`);
  await county.getByRole('link', { name: '申请修改企业信息' }).click();
  await expect(county).toHaveURL(new RegExp(`/maintenance/${code}/propose$`));
  await expect(county.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await county.getByLabel('主要负责人', { exact: true }).fill(principal);
  await county.getByRole('button', { name: '提交修改申请' }).click();
  // Sent: back on the record, which says so; the proposal waits for the enterprise.
  await expect(county).toHaveURL(new RegExp(`/maintenance/${code}$`));
  await expect(county.locator('main > .flash')).toContainText('已提交修改申请(1项)');
  await expect(county.getByRole('heading', { name: '修改申请待企业确认' })).toBeVisible();
}

test('a regulator proposal locks the form and says who and what; confirm, reject and withdraw', async ({ browser }) => {
  test.slow(); // many page loads by two users
  const { code, enterprise, county } = await confirmedEnterprise(browser, '南京申请修改测试有限公司');
  await propose(county, code, '赵六');

  await gotoHydrated(enterprise, '/info');
  const lock = enterprise.getByRole('alert').filter({ hasText: '监管机构正在修改企业信息' });
  await expect(lock.getByRole('heading')).toHaveText('监管机构正在修改企业信息,请等待申请确认后再操作企业信息,以防两边同时修改数据导致冲突');
  await expect(lock).toContainText('南京市玄武区应急管理局');
  await expect(lock.locator('.lock-who')).toContainText('南京市玄武区应急管理局 孙磊');
  await expect(lock.locator('.lock-who')).toContainText(/自 \d{4}-\d\d-\d\d \d\d:\d\d 起申请修改/);
  const row = lock.getByRole('row', { name: /主要负责人/ });
  await expect(row.locator('.before')).toHaveText('李强');
  await expect(row.locator('.after')).toHaveText('赵六');
  await expect(enterprise.getByLabel('主要负责人', { exact: true })).toBeDisabled();
  await expect(enterprise.locator('summary', { hasText: '信息变更' })).toHaveCount(0);

  // Rejected: nothing changes, the lock is gone.
  await lock.getByLabel('拒绝理由').fill('负责人没有变化');
  await lock.getByRole('button', { name: '拒绝' }).click();
  await expect(enterprise.locator('.lock-notice')).toHaveCount(0);
  await expect(enterprise.getByLabel('主要负责人', { exact: true })).toHaveValue('李强');

  // Withdrawn by the bureau from 信息维护.
  await propose(county, code, '孙八');
  await county.getByRole('button', { name: '撤回申请' }).click();
  await expect(county.getByRole('status')).toHaveText('已撤回修改申请,企业可以继续操作企业信息。');
  await gotoHydrated(enterprise, '/info');
  await expect(enterprise.locator('.lock-notice')).toHaveCount(0);

  // Confirmed: applied at once.
  await propose(county, code, '周九');
  await gotoHydrated(enterprise, '/info');
  await enterprise.getByRole('button', { name: '确认修改' }).click();
  await expect(enterprise.locator('.lock-notice')).toHaveCount(0);
  await expect(enterprise.getByLabel('主要负责人', { exact: true })).toHaveValue('周九');
  await gotoHydrated(county, `/maintenance/${code}`);
  await expect(county.locator('dl.record')).toContainText('周九');
  await expect(county.locator('ol.audit')).toContainText('确认南京市玄武区应急管理局的修改申请');
});

test('a save based on a stale version is refused, shows what changed, and keeps what was typed', async ({ browser }) => {
  const code = makeEnterprise('南京并发测试化工有限公司');
  const context = await browser.newContext();
  const first = await context.newPage();
  await loginAs(first, 'enterprise', code);
  await completeViaApi(first);
  const second = await context.newPage();
  await gotoHydrated(first, '/info');
  await gotoHydrated(second, '/info');
  await first.getByLabel('主要负责人', { exact: true }).fill('吴十');
  await first.getByRole('button', { name: '保存草稿' }).click();
  await expect(first.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();

  await second.getByLabel('安全管理人员', { exact: true }).fill('郑十一');
  await second.getByRole('button', { name: '保存草稿' }).click();
  const alert = second.locator('.error-summary');
  await expect(alert).toContainText('保存未成功');
  await expect(alert).toContainText('主要负责人“李强”→“吴十”');
  await expect(second.getByLabel('安全管理人员', { exact: true })).toHaveValue('郑十一');
  const [row] = sql("SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?", code);
  expect(JSON.parse(row[0]).safety_name).toBe('王芳');
  // Having seen the change, saving again builds on the newest version.
  await second.getByLabel('主要负责人', { exact: true }).fill('吴十');
  await second.getByRole('button', { name: '保存草稿' }).click();
  await expect(second.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  const [after] = sql("SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?", code);
  expect(JSON.parse(after[0])).toMatchObject({ principal_name: '吴十', safety_name: '郑十一' });
});

test('a 提交 refused because the record changed meanwhile goes through the second time', async ({ page }) => {
  const code = makeEnterprise('南京提交并发测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await completeViaApi(page);
  await gotoHydrated(page, '/info?step=submit');
  // Another tab (here: the database) changes the record between 提交's save and its submission.
  let changed = false;
  await page.route('**/api/info/submit', async (route) => {
    if (!changed) {
      changed = true;
      sql('UPDATE enterprise_info SET version = version + 1 WHERE enterprise_id = (SELECT id FROM enterprises WHERE credit_code = ?)', code);
    }
    await route.continue();
  });
  await page.getByRole('button', { name: '提交', exact: true }).click();
  // Said in the step's list of what stands in the way, with what happened.
  await expect(page.locator('main')).toContainText('提交未成功:您打开页面后');
  await expect(page.locator('main')).toContainText('请核对后再提交');
  await expect(page.locator('.status-badge')).toHaveText('待完善');
  // Having been told, the second 提交 builds on the newest version.
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.locator('.status-badge')).toHaveText('已提交,待确认');
  expect(sql('SELECT i.status FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code)).toEqual([['submitted']]);
});

test('a county regulator cannot see an enterprise of another county', async ({ page }) => {
  await loginAs(page, 'regulator', makeRegulator());
  await gotoHydrated(page, '/maintenance/91350100M000100Y43');
  await expect(page.getByRole('alert')).toContainText('您没有权限进行此操作。');
  await expect(page.locator('dl.record')).toHaveCount(0);
  await gotoHydrated(page, '/maintenance?q=' + encodeURIComponent('福州示例'));
  await expect(page.getByRole('status')).toContainText('共 0 家企业');
});

test('a session that times out while editing loses nothing', async ({ browser }) => {
  const code = makeEnterprise('南京超时保存测试有限公司');
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info');
  await page.getByLabel('主要负责人', { exact: true }).fill('陈十三');
  // The session ends (idle time-out) while the form is open.
  sql("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = ?)", code);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '登录已超时' })).toContainText('您填写的内容仍在本页');
  await expect(page.getByLabel('主要负责人', { exact: true })).toHaveValue('陈十三');
  // Log in again in another tab, come back, save.
  const other = await context.newPage();
  await loginAs(other, 'enterprise', code);
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  const [row] = sql("SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?", code);
  expect(JSON.parse(row[0]).principal_name).toBe('陈十三');
});

test('the regulator is told why 申请修改 is not offered during a change, can remind once, and 退回 needs a reason at its field', async ({ browser }) => {
  test.slow(); // two users
  // A phone the built-in gateway delivers to (13900000000 simulates a time-out).
  const { code, enterprise, county } = await confirmedEnterprise(browser, '南京提醒测试化工有限公司', '13912340777');
  await gotoHydrated(enterprise, '/info');
  await enterprise.locator('summary', { hasText: '信息变更' }).click();
  await enterprise.getByRole('region', { name: '开始信息变更?' }).getByRole('button', { name: '确定' }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('变更中(原信息继续有效)');

  await gotoHydrated(county, `/maintenance/${code}`);
  const notice = county.getByRole('region', { name: '企业正在变更信息,暂不能申请修改' });
  await expect(notice).toContainText('开始信息变更');
  await expect(notice).toContainText('将自动作废');
  await expect(county.getByRole('link', { name: '申请修改企业信息' })).toHaveCount(0);
  await notice.getByRole('button', { name: '短信提醒企业尽快提交' }).click();
  await expect(county.locator('main > .flash')).toContainText('已发送短信提醒至企业经办人手机');
  await notice.getByRole('button', { name: '短信提醒企业尽快提交' }).click();
  await expect(notice.getByRole('alert')).toContainText('今天已提醒过该企业');

  // The enterprise submits; 退回 without a reason is stopped at the field.
  await gotoHydrated(enterprise, '/info?step=submit');
  await enterprise.getByRole('button', { name: '提交', exact: true }).click();
  await expect(enterprise.locator('.status-badge')).toHaveText('变更已提交,待确认');
  await gotoHydrated(county, `/maintenance/${code}`);
  const requests = recordRequests(county);
  await county.getByRole('button', { name: '退回' }).click();
  await expect(county.getByLabel('退回原因')).toHaveAccessibleDescription('请填写退回原因,企业会看到并据此修改。');
  expect(requests.filter((r) => r.url().includes('/api/info/decide'))).toHaveLength(0);

  // Withdrawn meanwhile: 退回 says so in a regulator's words, the stale
  // buttons go, and the reason written is kept to copy.
  const json = { Accept: 'application/json', ...SAME_ORIGIN };
  const mine = async () => (await enterprise.request.post('/api/info/mine', { headers: json })).json();
  await enterprise.request.post('/api/info/status', { form: { action: 'withdraw', base_version: String((await mine()).version) }, headers: json });
  const reason = '储存场所面积与附件不符,请核对后重新提交';
  await county.getByLabel('退回原因').fill(reason);
  await county.getByRole('button', { name: '退回' }).click();
  await expect(county.getByRole('alert').filter({ hasText: '操作未完成' })).toBeVisible();
  // Read out at once: the refusal has the focus.
  await expect(county.getByRole('alert').filter({ hasText: '操作未完成' })).toBeFocused();
  await expect(county.getByRole('button', { name: '确认', exact: true })).toHaveCount(0);
  await expect(county.getByRole('region', { name: '企业正在变更信息,暂不能申请修改' })).toBeVisible();
  await expect(county.locator('.kept-text')).toContainText(`您上次未能提交的退回原因`);
  await expect(county.locator('.kept-text')).toContainText(reason);

  // Submitted again: the reason is back in its field, said so, and goes through.
  await enterprise.request.post('/api/info/submit', { form: { base_version: String((await mine()).version) }, headers: json });
  await gotoHydrated(county, `/maintenance/${code}`);
  await expect(county.getByLabel('退回原因')).toHaveValue(reason);
  await expect(county.locator('.kept-note')).toContainText('上次提交未成功时填写的内容');
  await expect(county.locator('.kept-text')).toHaveCount(0);
  await county.getByRole('button', { name: '退回' }).click();
  await expect(county.locator('main > .flash')).toContainText('已退回');
  await expect(county.locator('main > .flash')).toBeFocused();
  expect(sql("SELECT COUNT(*) FROM kept_text k JOIN enterprises e ON k.form = 'return/' || e.id WHERE e.credit_code = ?", code)[0][0]).toBe('0');
  await enterprise.close();
  await county.close();
});

test('a part of a code or licence number finds the enterprise, and no result says what to try', async ({ page }) => {
  await loginAs(page, 'regulator', makeRegulator());
  await gotoHydrated(page, '/maintenance?q=MA1XYR');
  await expect(page.getByRole('link', { name: '南京玄武示例化工贸易有限公司' })).toBeVisible();
  await gotoHydrated(page, '/maintenance?q=999999');
  await expect(page.getByRole('status').filter({ hasText: '共 0 家企业' })).toContainText('可以只输入名称中的字词、信用代码的前几位');
});

test('a record page without login links to both ways in', async ({ page }) => {
  await gotoHydrated(page, '/maintenance/91320102MA1XYR7K61');
  await expect(page.getByRole('alert').getByRole('link', { name: '监管用户登录' })).toHaveAttribute('href', '/login?tab=regulator');
});
