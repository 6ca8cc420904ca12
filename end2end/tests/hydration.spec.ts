import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DEMO_PASSWORD, gotoHydrated, loginAs, makeEnterprise, PUBLIC_PAGES, ROLE_PAGES, sql } from './helpers';

/**
 * Users (and password managers) type as soon as a form appears, before the
 * browser has loaded and started the page's code. The wasm is held back
 * until the typing is done, and the machine slowed down while it starts, so
 * the typing really happens before hydration; what was typed must survive
 * it and be what is submitted. Returns the function that lets the wasm go.
 */
async function holdBackTheCode(page: Page): Promise<() => Promise<void>> {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  const cdp = await page.context().newCDPSession(page);
  return async () => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    release();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  };
}

const FORMS: { path: string; fields: [string, string][] }[] = [
  { path: '/login', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61'], ['密码', DEMO_PASSWORD]] },
  { path: '/login?tab=regulator', fields: [['用户名', 'nj-xuanwu'], ['密码', DEMO_PASSWORD]] },
  { path: '/register', fields: [['统一社会信用代码', '91350211M0000XUF46'], ['企业名称', '厦门预填测试有限公司'], ['法定代表人姓名', '张三']] },
  { path: '/forgot-password', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61']] },
  { path: '/change-phone', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61'], ['企业名称', '南京测试有限公司'], ['新手机号', '13912340077']] },
];

for (const form of FORMS) {
  test(`typing into ${form.path} before the page is ready keeps every character`, async ({ page }) => {
    const start = await holdBackTheCode(page);
    await page.goto(form.path, { waitUntil: 'commit' });
    for (const [label, value] of form.fields) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
    await start();
    // Give any late reset a chance to happen.
    await page.waitForTimeout(500);
    for (const [label, value] of form.fields) {
      await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
    }
  });
}

test('a login typed before the page is ready is the login that is submitted', async ({ page }) => {
  const start = await holdBackTheCode(page);
  await page.goto('/login', { waitUntil: 'commit' });
  await page.getByLabel('账号(统一社会信用代码)').fill('91350100M000100Y43');
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await start();
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toContainText('福州');
});

// 完善信息: each step is a page load of its own, so choices are made there
// before the page is live too: lists, yes/no answers and ticks as well as
// text. They must stay what the user picked, drive the page, and be saved.
const yes = (page: Page, question: RegExp) => page.getByRole('group', { name: question }).getByLabel('是');
const no = (page: Page, question: RegExp) => page.getByRole('group', { name: question }).getByLabel('否');
const draftOf = (code: string) =>
  JSON.parse(sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code)[0][0]);

async function saveDraft(page: Page) {
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
}

test('a list choice on 基础信息 made before the page is ready is kept and saved', async ({ page }) => {
  const code = makeEnterprise('南京预选基础测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  const start = await holdBackTheCode(page);
  await page.goto('/info', { waitUntil: 'commit' });
  await page.getByLabel('经济类型').selectOption({ label: '有限责任公司' });
  await page.getByLabel('主要负责人', { exact: true }).fill('李强');
  // Another city: the county shown belongs to the old one and must not count.
  await expect(page.getByLabel('区县')).toHaveValue('320102');
  await page.getByLabel('城市').selectOption({ label: '无锡市' });
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await start();
  await page.waitForTimeout(500);
  await expect(page.getByLabel('经济类型')).toHaveValue('有限责任公司');
  await expect(page.getByLabel('主要负责人', { exact: true })).toHaveValue('李强');
  await expect(page.getByLabel('城市')).toHaveValue('320200');
  await expect(page.getByLabel('区县')).toHaveValue('');
  await expect(page.getByLabel('区县').getByRole('option', { name: '滨湖区' })).toHaveCount(1);
  await saveDraft(page);
  expect(draftOf(code)).toMatchObject({ economic_type: '有限责任公司', principal_name: '李强', region_code: '320200' });
});

test('yes/no answers on 经营方式 picked before the page is ready are kept, acted on and saved', async ({ page }) => {
  const code = makeEnterprise('南京预选方式测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  const start = await holdBackTheCode(page);
  await page.goto('/info?step=mode', { waitUntil: 'commit' });
  await no(page, /是否经营加油站/).check();
  await yes(page, /是否有危险化学品储存设施/).check();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await start();
  await page.waitForTimeout(500);
  await expect(no(page, /是否经营加油站/)).toBeChecked();
  await expect(yes(page, /是否有危险化学品储存设施/)).toBeChecked();
  // The page knows the answers: the next question is the major-hazard one.
  await expect(page.locator('.advice')).toContainText('请先回答:储存设施是否构成重大危险源');
  await saveDraft(page);
  expect(draftOf(code)).toMatchObject({ fuel_station: 'no', has_storage: 'yes' });

  // A saved answer is on the page before it is live, and changing it then counts.
  const again = await holdBackTheCode(page);
  await page.goto('/info?step=mode', { waitUntil: 'commit' });
  await expect(yes(page, /是否有危险化学品储存设施/)).toBeChecked();
  await no(page, /是否有危险化学品储存设施/).check();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await again();
  await page.waitForTimeout(500);
  await expect(no(page, /是否有危险化学品储存设施/)).toBeChecked();
  await expect(page.getByRole('group', { name: /是否构成重大危险源/ })).toHaveCount(0);
  await saveDraft(page);
  expect(draftOf(code)).toMatchObject({ fuel_station: 'no', has_storage: 'no' });
});

test('a licence card edited before the page is ready keeps every change', async ({ page }) => {
  const code = makeEnterprise('南京预选许可测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info?step=licences');
  await yes(page, /是否一企多证/).check();
  await page.getByRole('button', { name: '新增经营许可证' }).click();
  const card = page.getByRole('region', { name: '经营许可证1' });
  await card.getByLabel('许可证编号').fill('苏(宁)危化经字〔2024〕000301');
  await card.getByLabel('品名 1').fill('硫酸');
  await saveDraft(page);

  const start = await holdBackTheCode(page);
  await page.goto('/info?step=licences', { waitUntil: 'commit' });
  await expect(card.getByLabel('许可证编号')).toHaveValue('苏(宁)危化经字〔2024〕000301');
  await card.getByLabel('许可证编号').fill('苏(宁)危化经字〔2024〕000302');
  await card.getByLabel('许可证上的经营方式').selectOption({ label: '无储存经营' });
  await card.getByLabel('CAS号').fill('7664-93-9');
  await card.getByLabel('储存', { exact: true }).check();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await start();
  await page.waitForTimeout(500);
  await expect(card.getByLabel('许可证编号')).toHaveValue('苏(宁)危化经字〔2024〕000302');
  await expect(card.getByLabel('许可证上的经营方式')).toHaveValue('no_storage');
  await expect(card.getByLabel('品名 1')).toHaveValue('硫酸');
  await expect(card.getByLabel('CAS号')).toHaveValue('7664-93-9');
  await expect(card.getByLabel('储存', { exact: true })).toBeChecked();
  await saveDraft(page);
  const [licence] = draftOf(code).licences;
  expect(licence).toMatchObject({ number: '苏(宁)危化经字〔2024〕000302', mode: 'no_storage' });
  expect(licence.scope[0]).toMatchObject({ name: '硫酸', cas: '7664-93-9', stored: true });

  // Once live, a row deleted takes its values with it: the rows after it
  // move up with their own.
  await card.getByRole('button', { name: '增加一种危险化学品' }).click();
  await card.getByLabel('品名 2').fill('盐酸');
  await card.getByLabel('CAS号').nth(1).fill('7647-01-0');
  await card.getByRole('button', { name: '删除', exact: true }).first().click();
  await expect(card.getByLabel('品名 2')).toHaveCount(0);
  await expect(card.getByLabel('品名 1')).toHaveValue('盐酸');
  await expect(card.getByLabel('CAS号')).toHaveValue('7647-01-0');
  await expect(card.getByLabel('储存', { exact: true })).not.toBeChecked();
  // A row added then starts empty.
  await card.getByRole('button', { name: '增加一种危险化学品' }).click();
  await expect(card.getByLabel('品名 2')).toHaveValue('');
  await expect(card.getByLabel('储存', { exact: true }).nth(1)).not.toBeChecked();
  await card.getByRole('button', { name: '删除', exact: true }).nth(1).click();
  await saveDraft(page);
  const [after] = draftOf(code).licences;
  expect(after.scope).toHaveLength(1);
  expect(after.scope[0]).toMatchObject({ name: '盐酸', cas: '7647-01-0', stored: false });
});

test('every public page hydrates without an error', async ({ page }) => {
  for (const path of PUBLIC_PAGES) await gotoHydrated(page, path);
});

for (const role of ROLE_PAGES) {
  test(`every page of ${role.login} hydrates without an error`, async ({ page }) => {
    await loginAs(page, role.tab, role.login);
    for (const path of role.pages) await gotoHydrated(page, path);
  });
}
