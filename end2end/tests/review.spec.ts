import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { atAccountStep, DEMO_PASSWORD, fillOrgStep, freshCreditCode, gotoHydrated, lastSmsCode, makeRegulator, nextTotpCode, sql, submitLogin as loginAs } from './helpers';

/** Registers `code` through 其它(人工审核) with handler phone `mobile`. */
async function registerForReview(page: Page, code: string, name: string, mobile: string) {
  await gotoHydrated(page, '/register');
  await fillOrgStep(page, code, name, '其它(人工审核)');
  await page.getByLabel('成立日期(选填)').fill('2015-06-01');
  await page.getByRole('button', { name: '下一步' }).click();
  await atAccountStep(page);
  await expect(page.getByText('机构信息将由管理员人工审核(一个工作日内)')).toBeVisible();
  await page.getByLabel('经办人姓名').fill('赵六');
  await page.getByLabel('经办人手机号').fill(mobile);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText(/验证码已发送至/)).toBeVisible();
  await page.getByLabel('短信验证码').fill(lastSmsCode(mobile));
  await page.getByLabel('设置密码').fill('Review-Pass-2026');
  await page.getByLabel('确认密码').fill('Review-Pass-2026');
  await page.getByRole('button', { name: '提交注册' }).click();
  await expect(page.getByRole('heading', { name: '注册申请已提交人工审核' })).toBeVisible();
}

test('a rejected manual review tells the registrant why at login', async ({ browser }) => {
  const code = freshCreditCode();
  const applicant = await browser.newPage();
  await registerForReview(applicant, code, '南京审核退回测试有限公司', '13912345601');

  const reviewer = await browser.newPage();
  await loginAs(reviewer, 'regulator', makeRegulator(), DEMO_PASSWORD);
  await reviewer.getByRole('link', { name: '注册审核' }).first().click();
  await expect(reviewer.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const card = reviewer.locator('.review-card', { hasText: code });
  await expect(card).toContainText('江苏省 南京市 玄武区');
  await expect(card).toContainText('2015-06-01');
  await expect(card.locator('.waited')).toHaveText(/已等待 \d+ 分钟/);
  await card.getByRole('button', { name: '不通过' }).click();
  await expect(card.getByLabel('不通过原因')).toHaveAccessibleDescription(/请填写不通过的原因/);
  await card.getByLabel('不通过原因').fill('营业执照上的住所与填写的不一致');
  await card.getByRole('button', { name: '不通过' }).click();
  await expect(reviewer.getByRole('status')).toContainText('已退回“南京审核退回测试有限公司”的注册申请,已短信通知经办人');
  await expect(reviewer.locator('.review-card', { hasText: code })).toHaveCount(0);
  expect(sql("SELECT body FROM sms_messages WHERE mobile = '13912345601' AND purpose = 'review_result'")[0][0]).toContain('住所与填写的不一致');

  await loginAs(applicant, 'enterprise', code, 'Review-Pass-2026');
  await expect(applicant.getByRole('textbox', { name: '账号(统一社会信用代码)' })).toHaveAccessibleDescription(
    /未通过审核,原因:营业执照上的住所与填写的不一致。请按原因修改后重新注册/,
  );
});

test('an approved manual review can log in at once', async ({ browser }) => {
  const code = freshCreditCode();
  const applicant = await browser.newPage();
  await registerForReview(applicant, code, '南京审核通过测试有限公司', '13912345602');

  const admin = await browser.newPage();
  await loginAs(admin, 'regulator', makeRegulator('admin'), DEMO_PASSWORD);
  await expect(admin.locator('.belongs-to')).toBeVisible();
  await gotoHydrated(admin, '/review');
  const card = admin.locator('.review-card', { hasText: code });
  await card.getByRole('button', { name: '审核通过' }).click();
  await expect(admin.getByRole('status')).toContainText('已通过“南京审核通过测试有限公司”的注册申请');

  await loginAs(applicant, 'enterprise', code, 'Review-Pass-2026');
  await expect(applicant.locator('.belongs-to')).toHaveText('南京审核通过测试有限公司');
});

test('a decision made without JavaScript is confirmed once on the page it returns to', async ({ browser }) => {
  const code = freshCreditCode();
  const applicant = await browser.newPage();
  await registerForReview(applicant, code, '南京无脚本审核测试有限公司', '13912345603');

  const context = await browser.newContext({ javaScriptEnabled: false });
  const reviewer = await context.newPage();
  const login = makeRegulator();
  await reviewer.goto('/login?tab=regulator');
  await reviewer.getByLabel('用户名').fill(login);
  await reviewer.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await reviewer.getByLabel('动态验证码(身份验证器App)').fill(nextTotpCode(login));
  await reviewer.getByRole('button', { name: '登录' }).click();
  await expect(reviewer).toHaveURL(/\/workspace$/);
  await reviewer.goto('/review');
  const card = reviewer.locator('.review-card', { hasText: code });
  await card.getByRole('button', { name: '审核通过' }).click();
  await expect(reviewer).toHaveURL(/\/review\??$/);
  await expect(reviewer.getByRole('status').first()).toContainText('已通过“南京无脚本审核测试有限公司”的注册申请');
  await expect(reviewer.locator('.review-card', { hasText: code })).toHaveCount(0);
  // Said once: a reload shows the queue only.
  await reviewer.reload();
  await expect(reviewer.locator('main .flash')).toHaveCount(0);
  await context.close();
});

test('enterprises cannot open the review queue', async ({ page }) => {
  await loginAs(page, 'enterprise', '91350100M000100Y43', DEMO_PASSWORD);
  await expect(page.locator('.belongs-to')).toBeVisible();
  await expect(page.getByRole('link', { name: '注册审核' })).toHaveCount(0);
  await gotoHydrated(page, '/review');
  await expect(page.getByRole('alert')).toContainText('您没有权限进行此操作。');
  // Every error says whom to call.
  await expect(page.getByRole('alert').locator('.service-phone')).toHaveText('400-9659818');
});
