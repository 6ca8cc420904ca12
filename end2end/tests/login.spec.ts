import { expect, test } from '@playwright/test';
import { freshCreditCode, gotoHydrated, recordRequests } from './helpers';

const DEMO_PASSWORD = 'Demo-Pass-2026';

test('an enterprise logs in with its credit code, pasted with spaces, and logs out', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await expect(page.getByText('企业的登录账号就是营业执照上的18位统一社会信用代码')).toBeVisible();
  const sent = recordRequests(page);
  await page.getByLabel('账号(统一社会信用代码)').fill(' 9135 0100 m000 100y 43 ');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL('http://127.0.0.1:3000/workspace');
  await expect(page.locator('.belongs-to')).toHaveText('福州示例危险品储运有限公司');
  await expect(page.locator('.current-user')).toContainText('福州示例危险品储运有限公司');
  // The password travelled only in a POST body.
  for (const r of sent) expect(r.url()).not.toContain(encodeURIComponent(DEMO_PASSWORD));
  const session = (await page.context().cookies()).find((c) => c.name === 'whp_session');
  expect(session?.httpOnly).toBe(true);

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/workspace');
  await expect(page.getByRole('heading', { name: '请先登录' })).toBeVisible();
});

test('此账号不存在 explains where to log in and links to registration', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await page.getByLabel('账号(统一社会信用代码)').fill(freshCreditCode());
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const account = page.getByRole('textbox', { name: '账号(统一社会信用代码)' });
  await expect(account).toHaveAccessibleDescription(/此账号不存在.*统一社会信用代码.*请先注册/);
  await expect(page.getByRole('link', { name: '没有账号?企业注册' })).toHaveAttribute('href', '/register');
});

test('a malformed account is explained before any request', async ({ page }) => {
  await gotoHydrated(page, '/login');
  const sent = recordRequests(page);
  const account = page.getByLabel('账号(统一社会信用代码)');
  await account.fill('9135010OM000100Y43');
  await account.blur();
  await expect(account).toHaveAccessibleDescription(/第8位的字母“O”/);
  expect(sent).toEqual([]);
});

test('five wrong passwords lock the account and say until when', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await page.getByLabel('账号(统一社会信用代码)').fill('92440106MA59QK2T0A');
  const password = page.getByRole('textbox', { name: '密码' });
  for (const left of [4, 3, 2, 1]) {
    await password.fill('Wrong-Pass-1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(password).toHaveAccessibleDescription(new RegExp(`还可再试${left}次`));
  }
  await password.fill('Wrong-Pass-1');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(password).toHaveAccessibleDescription(/账号锁定至 \d\d:\d\d\(北京时间\)/);
  await password.fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(password).toHaveAccessibleDescription(/锁定至/);
  await expect(page.locator('#f-password-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-account-locked');
  await expect(page).toHaveURL(/\/login$/);
});

test('regulators log in on their own tab', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await page.getByRole('link', { name: '监管用户登录' }).click();
  await expect(page).toHaveURL(/tab=regulator/);
  await page.getByLabel('用户名').fill('nj-xuanwu');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toHaveText('南京市玄武区应急管理局');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('login works and lands on this system’s workspace', async ({ page }) => {
    await page.goto('/login?tab=regulator');
    await page.getByLabel('用户名').fill('js-province');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL('http://127.0.0.1:3000/workspace');
    await expect(page.locator('.belongs-to')).toHaveText('江苏省应急管理厅');
  });
});
