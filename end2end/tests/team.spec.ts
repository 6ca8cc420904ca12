import { type Browser, type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { completeViaApi, gotoHydrated, loginAs, loginMember, makeEnterprise, SAME_ORIGIN, sql, teamLink } from './helpers';

const PASSWORD = 'Team-Pass-2027';

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** On /team as a 管理员: invites `name` with `mobile` as `role`. */
async function invite(page: Page, name: string, mobile: string, role: string) {
  await gotoHydrated(page, '/team');
  const form = page.locator('form.invite-form');
  await form.getByLabel('姓名', { exact: true }).fill(name);
  await form.getByLabel('手机号(接收邀请短信)').fill(mobile);
  await form.getByLabel('角色').selectOption({ label: role });
  await form.getByRole('button', { name: '发送邀请' }).click();
  await expect(page.getByRole('status').filter({ hasText: `已邀请 ${name}` })).toBeVisible();
}

/** Opens the link sent to `mobile` and sets the password (and a user name). */
async function setPassword(page: Page, mobile: string, username = '') {
  await gotoHydrated(page, teamLink(mobile));
  if (username) await page.getByLabel('用户名(选填,可代替手机号登录)').fill(username);
  await page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('确认新密码').fill(PASSWORD);
  await page.getByRole('button', { name: '设置密码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '密码已设置' })).toBeVisible();
}

const row = (page: Page, name: string) => page.locator('table.team tbody tr', { hasText: name });

test('a 管理员 invites a 填报员, who sets a password by the SMS link, logs in and submits; a 查看员 sees but cannot change', async ({ page, browser }) => {
  test.slow(); // three users, each in their own browser
  const code = makeEnterprise('南京团队测试化工有限公司', '13900002201');
  await loginAs(page, 'enterprise', code);
  await invite(page, '王芳', '13900002202', '填报员');
  await expect(row(page, '王芳').locator('.status')).toHaveText('待设置密码(已发送邀请短信)');
  await invite(page, '冯涛', '13900002203', '查看员');
  // The 管理员 never sees a link or a password.
  await expect(page.locator('body')).not.toContainText('/team/link');

  const filler = await newPage(browser);
  await gotoHydrated(filler, teamLink('13900002202'));
  await expect(filler.locator('dl.profile')).toContainText('南京团队测试化工有限公司');
  await expect(filler.locator('dl.profile')).toContainText('填报员');
  // A refused sending keeps the form as typed, with the message at its field.
  await filler.getByLabel('用户名(选填,可代替手机号登录)').fill('wang.fang');
  await filler.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await filler.getByLabel('确认新密码').fill('Other-Pass-2027');
  await filler.getByRole('button', { name: '设置密码' }).click();
  await expect(filler.locator('.field-error', { hasText: '两次输入的密码不一致' })).toBeVisible();
  await expect(filler.getByLabel('用户名(选填,可代替手机号登录)')).toHaveValue('wang.fang');
  await expect(filler.getByLabel('新密码', { exact: true })).toHaveValue(PASSWORD);
  await expect(filler.getByLabel('确认新密码')).toHaveValue('Other-Pass-2027');
  expect(sql("SELECT u.status FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.credit_code = ? AND u.mobile = '13900002202'", code)).toEqual([['pending_verification']]);
  await setPassword(filler, '13900002202', 'wang.fang');
  await loginMember(filler, code, 'wang.fang', PASSWORD);
  await completeViaApi(filler);
  await gotoHydrated(filler, '/info?step=submit');
  await filler.getByRole('button', { name: '提交', exact: true }).click();
  await expect(filler.locator('.status-badge')).toHaveText('已提交,待确认');
  // The trail names the person, not just the enterprise.
  expect(sql("SELECT actor FROM audit_log WHERE action = 'info.submit' AND enterprise_id = (SELECT id FROM enterprises WHERE credit_code = ?) ORDER BY id DESC LIMIT 1", code)[0][0]).toContain('王芳');

  const viewer = await newPage(browser);
  await setPassword(viewer, '13900002203');
  await loginMember(viewer, code, '13900002203', PASSWORD);
  await gotoHydrated(viewer, '/info');
  await expect(viewer.locator('.status-badge')).toHaveText('已提交,待确认');
  await gotoHydrated(viewer, '/team');
  await expect(viewer.getByText('只有管理员可以邀请、停用用户或调整角色')).toBeVisible();
  await expect(viewer.getByRole('button', { name: '发送邀请' })).toHaveCount(0);
  await expect(row(viewer, '王芳')).toContainText('139****2202');
  // The server refuses a change whatever the page offers.
  const mine = await (await viewer.request.post('/api/info/mine', { headers: { Accept: 'application/json', ...SAME_ORIGIN } })).json();
  const refused = await viewer.request.post('/api/info/status', {
    form: { action: 'withdraw', base_version: String(mine.version) },
    headers: { Accept: 'application/json', ...SAME_ORIGIN },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain('您的账号为查看员');
  // Stored as shown: still submitted.
  expect(sql('SELECT status FROM enterprise_info WHERE enterprise_id = (SELECT id FROM enterprises WHERE credit_code = ?)', code)[0][0]).toBe('submitted');

  // The 管理员 sees both in use.
  await gotoHydrated(page, '/team');
  await expect(row(page, '王芳').locator('.status')).toHaveText('正常');
  await expect(row(page, '冯涛').locator('.role')).toHaveText('查看员');
});

test('the last 管理员 cannot remove themselves; a colleague who lost their phone is reset by a 管理员', async ({ page, browser }) => {
  test.slow();
  const code = makeEnterprise('南京重置测试化工有限公司', '13900002211');
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/team');
  await row(page, '(我)').getByRole('button', { name: '停用' }).click();
  await expect(page.getByText('本单位至少要保留一名正常使用的管理员')).toBeVisible();
  await expect(row(page, '(我)').locator('.status')).toHaveText('正常');
  // Nor reset their own password here: the refusal says why and where instead.
  const me = row(page, '(我)');
  await me.getByText('重置密码').click();
  await me.getByLabel('接收链接的手机号(本人新手机号)').fill('13900002212');
  await me.getByRole('button', { name: '发送链接' }).click();
  await expect(me.getByRole('alert')).toContainText('只能由本人办理');
  expect(sql("SELECT COUNT(*) FROM sms_messages WHERE mobile = '13900002212'")[0][0]).toBe('0');

  await invite(page, '李雷', '13900002213', '填报员');
  const lost = await newPage(browser);
  await setPassword(lost, '13900002213');
  await loginMember(lost, code, '13900002213', PASSWORD);

  // 李雷 lost the phone: the 管理员 sends a link to the new one.
  await gotoHydrated(page, '/team');
  const li = row(page, '李雷');
  await li.getByText('重置密码').click();
  await li.getByLabel('接收链接的手机号(本人新手机号)').fill('13900002214');
  await li.getByRole('button', { name: '发送链接' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已向 139****2214 发送一次性链接' })).toBeVisible();
  await expect(row(page, '李雷')).toContainText('13900002214');
  // The old phone is told; 李雷's session is over.
  expect(sql("SELECT COUNT(*) FROM sms_messages WHERE mobile = '13900002213' AND body LIKE '%139****2214%'")[0][0]).toBe('1');
  await gotoHydrated(lost, '/workspace');
  await expect(lost.getByText('登录已过期或尚未登录')).toBeVisible();

  const found = await newPage(browser);
  await setPassword(found, '13900002214');
  await loginMember(found, code, '13900002214', PASSWORD);
  // The used link is spent.
  await gotoHydrated(lost, teamLink('13900002214'));
  await expect(lost.getByText('这个链接已使用、已过期或已被新的链接取代')).toBeVisible();
});

test('账号设置 lists the logins and ends one; changing the password ends the others', async ({ page, browser }) => {
  const code = makeEnterprise('南京设备测试化工有限公司', '13900002221');
  const other = await newPage(browser);
  await loginAs(other, 'enterprise', code);
  await loginAs(page, 'enterprise', code);
  await gotoHydrated(page, '/account');
  await expect(page.locator('dl.account')).toContainText('管理员');
  const sessions = page.locator('table.sessions tbody tr');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: '(当前设备)' })).toHaveCount(1);
  await sessions.filter({ hasNotText: '(当前设备)' }).getByRole('button', { name: '结束此登录' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已结束该设备上的登录' })).toBeVisible();
  await expect(sessions).toHaveCount(1);
  await gotoHydrated(other, '/workspace');
  await expect(other.getByText('登录已过期或尚未登录')).toBeVisible();

  await loginAs(other, 'enterprise', code);
  await gotoHydrated(page, '/account/password');
  await page.getByLabel('当前密码').fill('Demo-Pass-2026');
  await page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('确认新密码').fill(PASSWORD);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page).toHaveURL(/\/workspace\?password=1$/);
  await gotoHydrated(other, '/workspace');
  await expect(other.getByText('登录已过期或尚未登录')).toBeVisible();
});
