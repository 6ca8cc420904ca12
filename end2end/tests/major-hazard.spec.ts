import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { SAME_ORIGIN, gotoHydrated, loginAs, makeEnterprise, recordRequests, saveAndNext, sql } from './helpers';

const group = (page: Page, question: RegExp) => page.getByRole('group', { name: question });

test('the major hazard source is worked out from the storage units before anything is sent, and the server agrees', async ({ page }) => {
  const code = makeEnterprise('南京储存辨识测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info?step=mode');
  await group(page, /是否经营加油站/).getByLabel('否').check();
  await group(page, /是否有危险化学品储存设施/).getByLabel('是').check();

  const requests = recordRequests(page);
  await page.getByRole('button', { name: '新增储存单元' }).click();
  const unit = page.getByRole('group', { name: '储存单元 1' });
  await unit.getByLabel('单元名称').fill('1号仓库');
  await unit.getByLabel('厂区边界外可能暴露人员数量').fill('120');
  await unit.getByLabel('品名 1', { exact: true }).fill('汽油');
  await unit.getByLabel('设计最大储存量 1', { exact: true }).fill('160');
  await unit.getByRole('button', { name: '新增危险化学品' }).click();
  // Typed key by key, as people do: the field keeps the focus throughout.
  await unit.getByLabel('品名 2', { exact: true }).pressSequentially('甲醇');
  await unit.getByLabel('设计最大储存量 2', { exact: true }).pressSequentially('250');
  await expect(unit.getByLabel('设计最大储存量 2', { exact: true })).toBeFocused();
  await expect(unit.getByLabel('设计最大储存量 2', { exact: true })).toHaveValue('250');

  // The arithmetic, line by line, S, R and the grade.
  const lines = unit.locator('.hazard-arithmetic tbody tr');
  await expect(lines.nth(0)).toContainText('160');
  await expect(lines.nth(0)).toContainText('表1 第66项');
  await expect(lines.nth(1)).toContainText('0.5000');
  await expect(unit.locator('.hazard-result')).toContainText('S = 1.3000 ≥ 1,构成重大危险源;R = α × Σβq/Q = 2.60,四级');
  await expect(page.locator('.hazard-overall')).toHaveText('按储存单元计算:构成重大危险源(四级)。');
  // The question answers itself, and the 经营方式 follows.
  await expect(group(page, /是否构成重大危险源/).getByLabel('是')).toBeChecked();
  await expect(page.locator('.recommended')).toHaveText('有储存经营(构成重大危险源)');
  expect(requests.filter((r) => r.url().includes('/api/'))).toHaveLength(0);

  // An answer against the arithmetic is explained at once.
  await group(page, /是否构成重大危险源/).getByLabel('否').check();
  const mismatch = /按您填写的储存单元计算,S = 1\.3000 ≥ 1.*请在下面填写报告编号/;
  await expect(page.locator('#f-major_hazard-msg')).toHaveText(mismatch);
  await expect(page.getByLabel('重大危险源辨识报告编号')).toBeVisible();
  // The server says the same when the step is saved (and keeps the draft).
  await page.getByRole('button', { name: '保存并下一步' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  await expect(page.locator('#f-major_hazard-msg')).toHaveText(mismatch);
  await expect(page.getByRole('heading', { name: /经营方式/ })).toBeVisible();
  const [[draft]] = sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code);
  const saved = JSON.parse(draft);
  expect(saved.storage_units[0].substances.map((s: { name: string }) => s.name)).toEqual(['汽油', '甲醇']);
  expect(saved.major_hazard).toBe('no');

  // With a report number the answer stands, flagged for the regulator.
  await page.getByLabel('重大危险源辨识报告编号').fill('苏安评〔2025〕018号');
  await page.getByLabel('经营方式').selectOption({ label: '有储存经营(不构成重大危险源)' });
  await saveAndNext(page);
  await expect(page.getByRole('heading', { name: /许可证/ })).toBeVisible();
  const [[flagged]] = sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code);
  expect(JSON.parse(flagged).major_hazard_report).toBe('苏安评〔2025〕018号');

  // Back on 经营方式 with the number on file, an answer that agrees with the
  // arithmetic keeps the field while its number is deleted key by key.
  await gotoHydrated(page, '/info?step=mode');
  await group(page, /是否构成重大危险源/).getByLabel('是').check();
  const report = page.getByLabel('重大危险源辨识报告编号');
  await report.click();
  await report.press('End');
  for (let i = 0; i < '苏安评〔2025〕018号'.length; i++) await report.press('Backspace');
  await expect(report).toHaveValue('');
  await expect(report).toBeFocused();
  // A change of the answer decides again: agreeing and empty, it goes.
  await group(page, /是否构成重大危险源/).getByLabel('否').check();
  await expect(report).toBeVisible();
  await group(page, /是否构成重大危险源/).getByLabel('是').check();
  await expect(report).toHaveCount(0);
});

test('a fuel station follows from its tanks: 加油站 below the threshold', async ({ page }) => {
  const code = makeEnterprise('南京加油站辨识测试有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info?step=mode');
  await group(page, /是否经营加油站/).getByLabel('是').check();
  await page.getByRole('button', { name: '新增储存单元' }).click();
  const unit = page.getByRole('group', { name: '储存单元 1' });
  await unit.getByLabel('单元名称').fill('油罐区');
  await unit.getByLabel('厂区边界外可能暴露人员数量').fill('30');
  await unit.getByLabel('品名 1', { exact: true }).fill('92号汽油');
  await unit.getByLabel('设计最大储存量 1', { exact: true }).fill('90');
  await unit.getByLabel('单位 1', { exact: true }).selectOption({ label: '立方米' });
  await unit.getByLabel('密度 1', { exact: true }).fill('0.75');
  await unit.getByRole('button', { name: '新增危险化学品' }).click();
  await unit.getByLabel('品名 2', { exact: true }).fill('柴油');
  await unit.getByLabel('设计最大储存量 2', { exact: true }).fill('60');
  await unit.getByLabel('单位 2', { exact: true }).selectOption({ label: '立方米' });
  await unit.getByLabel('密度 2', { exact: true }).fill('0.85');
  await expect(unit.locator('.hazard-arithmetic tbody tr').nth(1)).toContainText('表2 W5.4');
  await expect(unit.locator('.hazard-result')).toHaveText('S = 0.3477 < 1,不构成重大危险源');
  await expect(group(page, /是否构成重大危险源/).getByLabel('否')).toBeChecked();
  await expect(page.locator('.recommended')).toHaveText('加油站');
  // A quantity in the wrong unit is questioned.
  await unit.getByLabel('单位 2', { exact: true }).selectOption({ label: '千克' });
  await unit.getByLabel('设计最大储存量 2', { exact: true }).fill('60吨');
  await unit.getByLabel('设计最大储存量 2', { exact: true }).blur();
  await expect(page.locator('[id="f-storage_units.0.substances.1.amount-msg"]')).toContainText('不要带单位');
});

test('a substance deleted from a storage unit takes its values with it', async ({ page }) => {
  const code = makeEnterprise('南京删行测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/info?step=mode');
  await group(page, /是否经营加油站/).getByLabel('否').check();
  await group(page, /是否有危险化学品储存设施/).getByLabel('是').check();
  await page.getByRole('button', { name: '新增储存单元' }).click();
  const unit = page.getByRole('group', { name: '储存单元 1' });
  await unit.getByLabel('单元名称').fill('1号仓库');
  await unit.getByLabel('品名 1', { exact: true }).fill('汽油');
  await unit.getByLabel('设计最大储存量 1', { exact: true }).fill('160');
  await unit.getByRole('button', { name: '新增危险化学品' }).click();
  await unit.getByLabel('品名 2', { exact: true }).fill('甲醇');
  await unit.getByLabel('设计最大储存量 2', { exact: true }).fill('250');
  await unit.getByLabel('单位 2', { exact: true }).selectOption({ label: '立方米' });
  await unit.getByLabel('密度 2', { exact: true }).fill('0.79');

  await unit.getByRole('button', { name: '删除储存单元1第1行' }).click();
  await expect(unit.getByLabel('品名 2', { exact: true })).toHaveCount(0);
  await expect(unit.getByLabel('品名 1', { exact: true })).toHaveValue('甲醇');
  await expect(unit.getByLabel('设计最大储存量 1', { exact: true })).toHaveValue('250');
  await expect(unit.getByLabel('单位 1', { exact: true })).toHaveValue('cubic_metre');
  await expect(unit.getByLabel('密度 1', { exact: true })).toHaveValue('0.79');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存草稿' })).toBeVisible();
  const [[draft]] = sql('SELECT i.draft FROM enterprise_info i JOIN enterprises e ON e.id = i.enterprise_id WHERE e.credit_code = ?', code);
  const [stored] = JSON.parse(draft).storage_units;
  expect(stored.substances).toHaveLength(1);
  expect(stored.substances[0]).toMatchObject({ name: '甲醇', amount: '250', unit: 'cubic_metre', density: '0.79' });
});

test('a licence case checks its 经营方式 against the storage units the server identified, in the browser', async ({ page }) => {
  const code = makeEnterprise('南京案件辨识测试化工有限公司');
  await loginAs(page, 'enterprise', code);
  // The draft's units: 汽油 160 t and 甲醇 250 t, S = 1.3, 四级.
  const mine = await (await page.request.post('/api/info/mine', { headers: { Accept: 'application/json', ...SAME_ORIGIN } })).json();
  const substance = (name: string, amount: string) => ({ name, amount });
  const saved = await page.request.post('/api/info/save', {
    data: {
      step: 'mode',
      base_version: mine.version,
      record: {
        ...mine.draft, fuel_station: 'no', has_storage: 'yes', major_hazard: 'no', business_mode: 'storage',
        storage_units: [{ name: '1号仓库', exposed: '120', substances: [substance('汽油', '160'), substance('甲醇', '250')] }],
      },
    },
    headers: { Accept: 'application/json', ...SAME_ORIGIN },
  });
  expect(saved.status()).toBe(200);
  await gotoHydrated(page, '/licences');
  await page.getByRole('button', { name: '首次申请' }).click();
  await expect(page).toHaveURL(/\/cases\/\d+$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

  // The server's identification, with its arithmetic, inside the form.
  const summary = page.locator('.case-form .hazard-summary');
  await expect(summary.locator('.hazard-overall')).toContainText('构成重大危险源(四级)');
  await summary.getByText('查看计算过程').click();
  await expect(summary).toContainText('S = 1.3000 ≥ 1');
  // The mode the record chose disagrees: said when it is chosen, before anything is sent.
  await expect(page.getByLabel('经营方式', { exact: true })).toHaveValue('storage');
  // The browser gets the verdict, not the units (the tables stay on the server).
  const props = await page.locator('leptos-island[data-component^="CaseForm"]').getAttribute('data-props');
  expect(props).toContain('"identified":{"major":true');
  expect(props).not.toContain('汽油');
  const requests = recordRequests(page);
  await page.getByLabel('经营方式', { exact: true }).selectOption({ label: '有储存经营(构成重大危险源)' });
  await page.getByLabel('经营方式', { exact: true }).selectOption({ label: '有储存经营(不构成重大危险源)' });
  await expect(page.locator('#f-mode-msg')).toContainText('按储存单元计算(GB 18218-2018)构成重大危险源(四级),经营方式应为“有储存经营(构成重大危险源)”');
  await expect(page.locator('.field.material', { hasText: '重大危险源备案证明材料' })).toHaveCount(1);
  await page.getByLabel('经营方式', { exact: true }).selectOption({ label: '有储存经营(构成重大危险源)' });
  await expect(page.locator('#f-mode-msg')).toHaveCount(0);
  await page.getByLabel('经营方式', { exact: true }).selectOption({ label: '无储存经营' });
  await expect(page.locator('.field.material', { hasText: '重大危险源备案证明材料' })).toHaveCount(0);
  expect(requests.filter((r) => r.url().includes('/api/'))).toHaveLength(0);
});
