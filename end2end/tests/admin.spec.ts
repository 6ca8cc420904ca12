import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { enrolTotp, gotoHydrated, loginAs, sql, totpCode } from './helpers';

async function loginRegulator(page: Page, login: string, password: string, code = '') {
  await gotoHydrated(page, '/login?tab=regulator');
  await page.getByLabel('用户名').fill(login);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('动态验证码(身份验证器App)').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
}

test('an administrator creates a regulator, who logs in, and disables them', async ({ browser }) => {
  const admin = await browser.newPage();
  await loginAs(admin, 'regulator', 'admin');
  await admin.getByRole('link', { name: '用户管理' }).click();
  await expect(admin.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(admin.locator('table.users')).toContainText('nj-xuanwu');

  // Bad input is explained before sending.
  await admin.getByRole('button', { name: '创建用户' }).click();
  await expect(admin.getByRole('textbox', { name: '用户名' })).toHaveAccessibleDescription(/3–32位字母/);

  await admin.getByRole('textbox', { name: '用户名' }).fill('nj-jianye-01');
  await admin.getByLabel('姓名').fill('孙八');
  await admin.getByLabel('省份').selectOption({ label: '江苏省' });
  await admin.getByLabel('城市').selectOption({ label: '南京市' });
  await admin.getByLabel('区县').selectOption({ label: '建邺区' });
  await admin.getByRole('button', { name: '创建用户' }).click();
  const created = admin.getByRole('status');
  await expect(created).toContainText('已创建监管用户 nj-jianye-01(南京市建邺区应急管理局)');
  const password = (await created.innerText()).match(/初始密码:(\S+)/)![1];

  const regulator = await browser.newPage();
  await loginRegulator(regulator, 'nj-jianye-01', password);
  // The administrator's password only opens the form that replaces it.
  await expect(regulator).toHaveURL(/\/account\/password\?first=1$/);
  await expect(regulator.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await regulator.getByLabel('当前密码').fill(password);
  await regulator.getByLabel('新密码', { exact: true }).fill('Sun-Ba-2026x');
  await regulator.getByLabel('确认新密码').fill('Sun-Ba-2026x');
  await regulator.getByRole('button', { name: '修改密码' }).click();
  // Then the second factor, before anything else.
  const secret = await enrolTotp(regulator, 'Sun-Ba-2026x');
  await expect(regulator.locator('.belongs-to')).toHaveText('南京市建邺区应急管理局');

  // The password is shown once; the list shows the new user once refreshed.
  await admin.getByRole('link', { name: '刷新列表' }).click();
  await expect(admin.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(admin.getByText('初始密码')).toHaveCount(0);
  // 重置密码 shows the temporary password in its row, once.
  await admin.getByRole('button', { name: '重置密码 nj-jianye-01' }).click();
  const reset = admin.getByRole('status').filter({ hasText: '临时密码' });
  await expect(reset).toContainText('已重置 nj-jianye-01 的密码');
  const temporary = (await reset.innerText()).match(/临时密码:(\S+)/)![1];
  await admin.getByRole('button', { name: '停用 nj-jianye-01' }).click();
  await expect(admin.getByRole('status')).toContainText('已停用 nj-jianye-01,其登录已全部结束。');
  await expect(admin.locator('tr', { hasText: 'nj-jianye-01' })).toContainText('已停用');
  await loginRegulator(regulator, 'nj-jianye-01', temporary, totpCode(secret, Math.floor(Date.now() / 30000) + 1));
  await expect(regulator.getByRole('textbox', { name: '用户名' })).toHaveAccessibleDescription(/该账号已停用/);
});

test('a plain post refused by the server keeps what was typed: 创建用户 and 发证机关设置', async ({ browser }) => {
  const admin = await browser.newContext();
  await loginAs(await admin.newPage(), 'regulator', 'admin');
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await admin.storageState() });
  const page = await plain.newPage();

  // 创建用户 answers a one-time password, which only a live page shows.
  await page.goto('/admin/users');
  await page.getByRole('textbox', { name: '用户名' }).fill('nj-plain-01');
  await page.getByLabel('姓名').fill('周九');
  await page.getByLabel('省份').selectOption({ label: '江苏省' });
  await page.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByRole('alert')).toContainText('新密码只在本页显示一次');
  await expect(page.getByRole('textbox', { name: '用户名' })).toHaveValue('nj-plain-01');
  await expect(page.getByLabel('姓名')).toHaveValue('周九');
  await expect(page.getByLabel('省份')).toHaveValue('320000');
  // The chosen province's cities are there to choose from.
  await page.getByLabel('城市').selectOption({ label: '无锡市' });
  expect(sql('SELECT count(*) FROM users WHERE login = ?', 'nj-plain-01')).toEqual([['0']]);

  // The same page once live (as after a post sent before it was): the
  // refusal is the form's, and trying again there replaces it.
  const live = await admin.newPage();
  await gotoHydrated(live, page.url());
  await expect(live.getByRole('alert')).toContainText('新密码只在本页显示一次');
  await expect(live.getByRole('textbox', { name: '用户名' })).toHaveValue('nj-plain-01');
  // (A county of no demo enterprise: its new bureau takes no one's cases.)
  await live.getByLabel('城市').selectOption({ label: '无锡市' });
  await live.getByLabel('区县').selectOption({ label: '滨湖区' });
  await live.getByRole('button', { name: '创建用户' }).click();
  await expect(live.getByRole('status')).toContainText('已创建监管用户 nj-plain-01(无锡市滨湖区应急管理局)');
  await expect(live.getByRole('alert')).toHaveCount(0);
  // Nor does the address name the refusal any more (a plain post here goes back to it).
  await expect(live).toHaveURL(/\/admin\/users$/);
  expect(sql('SELECT count(*) FROM users WHERE login = ?', 'nj-plain-01')).toEqual([['1']]);

  // A province is not a region cases are routed for: said at the field, the code kept.
  await page.goto('/admin/issuers');
  await page.getByLabel('地区代码').fill('320000');
  await page.getByLabel('办理机构').selectOption({ index: 1 });
  const organisation = await page.getByLabel('办理机构').inputValue();
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByLabel('地区代码')).toHaveAccessibleDescription(/请填写6位行政区划代码/);
  await expect(page.getByLabel('地区代码')).toHaveValue('320000');
  await expect(page.getByLabel('办理机构')).toHaveValue(organisation);
  // Corrected, it is saved, and the page no longer shows the refusal or the old input.
  await page.getByLabel('地区代码').fill('320211');
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByText('已设置:')).toContainText('滨湖区');
  await expect(page).toHaveURL(/\/admin\/issuers$/);
  await expect(page.getByLabel('地区代码')).toHaveValue('');
  await expect(page.getByLabel('地区代码')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('请填写6位行政区划代码')).toBeHidden();
  // Back as it was for the other tests.
  await page.locator('tr', { hasText: '320211' }).getByRole('button', { name: '恢复默认' }).click();
  await expect(page.getByText('已恢复:')).toContainText('滨湖区');
  await plain.close();
  await admin.close();
});
