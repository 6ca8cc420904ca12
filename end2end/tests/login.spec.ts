import { expect, test } from './fixtures';
import { enrolTotp, freshCreditCode, gotoHydrated, lastSmsCode, loginAs, makeEnterprise, nextTotpCode, recordRequests } from './helpers';

const DEMO_PASSWORD = 'Demo-Pass-2026';

test('an enterprise logs in with its credit code, pasted with spaces, and logs out', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await expect(page.getByText('企业的登录账号就是营业执照上的18位统一社会信用代码')).toBeVisible();
  const sent = recordRequests(page);
  // An enterprise of its own: logging out ends every session of the
  // account, and the demo accounts are used by tests running meanwhile.
  const code = makeEnterprise('福州登录测试危险品储运有限公司');
  const pasted = ` ${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8, 12).toLowerCase()} ${code.slice(12, 16).toLowerCase()} ${code.slice(16).toLowerCase()} `;
  await page.getByLabel('账号(统一社会信用代码)').fill(pasted);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL('http://127.0.0.1:3000/workspace');
  await expect(page.locator('.belongs-to')).toHaveText('福州登录测试危险品储运有限公司');
  await expect(page.locator('.current-user')).toContainText('福州登录测试危险品储运有限公司');
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

test('five wrong passwords lock the account; the owner comes in at once with a code to the handler phone', async ({ page }) => {
  // An account of its own, with a phone no other test uses.
  const code = makeEnterprise('南京锁定测试有限公司', '13912340055');
  await gotoHydrated(page, '/login');
  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  const password = page.getByRole('textbox', { name: '密码' });
  for (const left of [4, 3, 2, 1]) {
    await password.fill('Wrong-Pass-1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(password).toHaveAccessibleDescription(new RegExp(`还可再试${left}次`));
  }
  await password.fill('Wrong-Pass-1');
  await page.getByRole('button', { name: '登录' }).click();
  const unlock = page.getByRole('textbox', { name: '解锁验证码(发送到经办人手机)' });
  await expect(unlock).toHaveAccessibleDescription(/账号锁定至 \d\d:\d\d\(北京时间\).*获取解锁验证码/);
  await expect(page.locator('#f-unlock_code-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-account-locked');
  // The right password alone does not open it …
  await password.fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(unlock).toHaveAccessibleDescription(/锁定至/);
  await expect(page).toHaveURL(/\/login$/);
  // … with the code sent to the phone on file it does, and the workspace says what happened.
  await page.getByRole('button', { name: '获取解锁验证码' }).click();
  await expect(page.getByText('解锁验证码已发送至经办人手机 139****0055')).toBeVisible();
  await unlock.fill(lastSmsCode('13912340055'));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL('http://127.0.0.1:3000/workspace');
  const events = page.locator('section.security-events');
  await expect(events).toContainText('密码连续输错5次,账号被锁定');
  await expect(events).toContainText('通过经办人手机短信验证码解锁账号并登录');
});

test('a regulator created by an administrator sets a password only they know, then changes it again', async ({ browser }) => {
  const admin = await browser.newPage();
  await loginAs(admin, 'regulator', 'admin');
  await gotoHydrated(admin, '/admin/users');
  await admin.getByRole('textbox', { name: '用户名' }).fill('nj-qinhuai-01');
  await admin.getByLabel('姓名').fill('韩梅');
  await admin.getByLabel('省份').selectOption({ label: '江苏省' });
  await admin.getByLabel('城市').selectOption({ label: '南京市' });
  await admin.getByLabel('区县').selectOption({ label: '秦淮区' });
  await admin.getByRole('button', { name: '创建用户' }).click();
  const created = admin.getByRole('status').filter({ hasText: '初始密码' });
  await expect(created).toContainText('首次登录时必须改为自己的新密码');
  const initial = (await created.innerText()).match(/初始密码:(\S+)/)![1];

  const page = await browser.newPage();
  await gotoHydrated(page, '/login?tab=regulator');
  await page.getByLabel('用户名').fill('nj-qinhuai-01');
  await page.getByLabel('密码', { exact: true }).fill(initial);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account\/password\?first=1$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByText('您的密码由系统管理员设置')).toBeVisible();
  // Nothing else opens before the change.
  await gotoHydrated(page, '/workspace');
  await expect(page.getByRole('heading', { name: '请先设置新密码' })).toBeVisible();
  await page.getByRole('link', { name: '设置新密码' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('当前密码').fill(initial);
  await page.getByLabel('新密码', { exact: true }).fill('Han-Mei-2026x');
  await page.getByLabel('确认新密码').fill('Han-Mei-2026x');
  await page.getByRole('button', { name: '修改密码' }).click();
  // Next the second factor, with its QR code, before anything else.
  await enrolTotp(page, 'Han-Mei-2026x');
  await expect(page.locator('.belongs-to')).toHaveText('南京市秦淮区应急管理局');
  // The administrator sees that the user now has a password of their own.
  await admin.reload();
  await expect(admin.locator('tr', { hasText: 'nj-qinhuai-01' })).toContainText('正常');
  await expect(admin.locator('tr', { hasText: 'nj-qinhuai-01' })).not.toContainText('待本人设置密码');
});

test('regulators log in on their own tab', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await page.getByRole('link', { name: '监管用户登录' }).click();
  await expect(page).toHaveURL(/tab=regulator/);
  await page.getByLabel('用户名').fill('nj-city');
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  // The password alone is not enough for a regulator.
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('textbox', { name: '动态验证码(身份验证器App)' })).toHaveAccessibleDescription(/请输入身份验证器App中显示的6位动态码/);
  await page.getByLabel('动态验证码(身份验证器App)').fill(nextTotpCode('nj-city'));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toHaveText('南京市应急管理局');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('login works and lands on this system’s workspace', async ({ page }) => {
    await page.goto('/login?tab=regulator');
    await page.getByLabel('用户名').fill('js-province');
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByLabel('动态验证码(身份验证器App)').fill(nextTotpCode('js-province'));
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL('http://127.0.0.1:3000/workspace');
    await expect(page.locator('.belongs-to')).toHaveText('江苏省应急管理厅');
  });

  test('a wrong password comes back with the error and the account still typed', async ({ page }) => {
    const code = makeEnterprise('南京无脚本登录测试有限公司');
    await page.goto('/login');
    await page.getByLabel('账号(统一社会信用代码)').fill(code);
    await page.getByLabel('密码', { exact: true }).fill('Wrong-pass-2026');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByText(/密码错误/).first()).toBeVisible();
    await expect(page.getByLabel('账号(统一社会信用代码)')).toHaveValue(code);
    await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
  });
});
