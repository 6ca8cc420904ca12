import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, sql } from './helpers';

/** Reads the newest code sent to `mobile` from the development outbox, as a person trying the system would. */
async function codeFromOutbox(page: Page, mobile: string): Promise<string> {
  await gotoHydrated(page, '/dev/sms');
  const body = await page.locator('tr', { has: page.locator('td.mobile', { hasText: mobile }) }).first().locator('td.body').innerText();
  const code = body.match(/验证码是(\d{6})/)?.[1];
  expect(code, body).toBeTruthy();
  return code!;
}

test('forgot password: code by SMS, new password, back on this system’s login page', async ({ page }) => {
  await gotoHydrated(page, '/login');
  // What was typed on the login page goes along with each link.
  await page.getByLabel('账号(统一社会信用代码)').fill('91320102ma1xyr7k61');
  await page.getByRole('link', { name: '忘记密码?' }).click();
  await expect(page).toHaveURL(/\/forgot-password\?account=91320102ma1xyr7k61$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('账号(统一社会信用代码)')).toHaveValue('91320102ma1xyr7k61');
  await expect(page.getByRole('link', { name: '手机号码无法接收短信?' })).toHaveAttribute('href', '/change-phone?account=91320102ma1xyr7k61');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page).toHaveURL('http://127.0.0.1:3000/forgot-password?account=91320102MA1XYR7K61&sent=1');
  await expect(page.locator('.masked-mobile')).toHaveText('138****8004');
  const resetUrl = page.url();

  const code = await codeFromOutbox(page, '13800138004');
  await gotoHydrated(page, resetUrl);
  // 没收到? asks again (within the minute the server sends nothing new) and
  // comes back to this step, naming the phone.
  const resend = page.getByRole('button', { name: '没收到?重新获取验证码' });
  await expect(resend).toBeEnabled();
  await resend.click();
  await expect(page).toHaveURL(resetUrl);
  await expect(page.locator('.masked-mobile')).toHaveText('138****8004');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('短信验证码').fill(code);
  await page.getByLabel('新密码', { exact: true }).fill('Reset-Pass-2026');
  await page.getByLabel('确认新密码').fill('Reset-Pass-2026');
  await page.getByRole('button', { name: '重置密码' }).click();

  await expect(page).toHaveURL('http://127.0.0.1:3000/login?reset=1&account=91320102MA1XYR7K61');
  await expect(page.getByRole('status')).toContainText('密码已重置');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('账号(统一社会信用代码)')).toHaveValue('91320102MA1XYR7K61');
  await page.getByLabel('密码').fill('Reset-Pass-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toHaveText('南京玄武示例化工贸易有限公司');
});

test('a wrong or expired code is explained at the code field, the new password kept', async ({ page }) => {
  await gotoHydrated(page, '/forgot-password');
  await page.getByLabel('账号(统一社会信用代码)').fill('92440106MA59QK2T0A');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.locator('.masked-mobile')).toHaveText('138****8006');
  const code = page.getByLabel('短信验证码');
  await code.fill('000000');
  await page.getByLabel('新密码', { exact: true }).fill('Reset-Pass-2026');
  await page.getByLabel('确认新密码').fill('Reset-Pass-2026');
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(code).toHaveAccessibleDescription(/验证码不正确,还可再试4次/);
  await expect(page.getByLabel('新密码', { exact: true })).toHaveValue('Reset-Pass-2026');

  sql("UPDATE sms_codes SET expires_at = 0 WHERE mobile = '13800138006'");
  await code.fill('123456');
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(code).toHaveAccessibleDescription(/验证码已过期.*重新获取/);
  await expect(page.locator('#f-code-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-sms-code');
});

test('a password with a forbidden character is refused before anything is sent', async ({ page }) => {
  await gotoHydrated(page, '/forgot-password?account=91320102MA1XYR7K61&sent=1');
  const sent: string[] = [];
  page.on('request', (r) => sent.push(r.url()));
  await page.getByLabel('短信验证码').fill('123456');
  await page.getByLabel('新密码', { exact: true }).fill('Reset*Pass-2026');
  await page.getByLabel('确认新密码').fill('Reset*Pass-2026');
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(page.getByLabel('新密码', { exact: true })).toHaveAccessibleDescription(/不含以下符号:# \* \//);
  expect(sent).toEqual([]);
});
