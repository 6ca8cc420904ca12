import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, loginAs, sql } from './helpers';

/** The demo enterprise whose licence expires in a little under four months. */
const LICENSED = '南京鼓楼示例危化品经销有限公司';

function unread(login: string): number {
  return Number(
    sql('SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE u.login = ? AND m.read_at IS NULL', login)[0][0],
  );
}

/** The header's link to the messages, with its unread count. */
const headerLink = (page: Page) => page.locator('header a.header-messages');

async function expectCount(page: Page, n: number) {
  if (n > 0) await expect(headerLink(page)).toContainText(`消息 (${n})`);
  else await expect(headerLink(page)).toHaveText('消息');
}

test('the demo enterprise sees its expiry reminder counted in the header; opening it lowers the count', async ({ page }) => {
  const code = sql('SELECT credit_code FROM enterprises WHERE name = ?', LICENSED)[0][0];
  // seed-demo ran the reminder job: the 120-day reminder is there.
  expect(
    sql("SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE u.login = ? AND m.kind = 'expiry_reminder'", code)[0][0],
  ).not.toBe('0');
  await loginAs(page, 'enterprise', code);
  const before = unread(code);
  expect(before).toBeGreaterThan(0);
  await gotoHydrated(page, '/workspace');
  await expectCount(page, before);
  // The accessible name says what the number is.
  await expect(page.getByRole('link', { name: new RegExp(`^消息 \\(${before}\\)\\s*,${before} 条未读$`) })).toBeVisible();

  await headerLink(page).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { name: '消息', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `未读 ${before} 条` })).toBeVisible();
  const reminder = page.locator('ul.messages li', { hasText: '将于' }).first();
  await expect(reminder).toHaveClass(/unread/);
  await expect(reminder).toContainText('到期提醒');
  const id = await reminder.getAttribute('data-message');

  await reminder.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/messages/${id}$`));
  await expect(page.locator('article.message h1')).toContainText('到期');
  await expect(page.locator('article.message')).toContainText('至少3个月');
  await expect(page.getByRole('link', { name: '前往办理' })).toHaveAttribute('href', '/licences');
  await expectCount(page, before - 1);
  expect(unread(code)).toBe(before - 1);

  await page.getByRole('link', { name: '← 返回消息列表' }).click();
  await expect(page.locator(`ul.messages li[data-message="${id}"]`)).not.toHaveClass(/unread/);
  await expectCount(page, before - 1);

  // The message's page leads on to where the renewal starts.
  await page.goto(`/messages/${id}`);
  await page.getByRole('link', { name: '前往办理' }).click();
  await expect(page).toHaveURL(/\/licences$/);
});

test('a regulator marks every message read at once; another user\'s message stays closed', async ({ page }) => {
  // The weekly digest from seed-demo, and one more so there is always something unread.
  sql(
    "INSERT INTO messages (user_id, kind, title, body, link, created_at) SELECT id, 'expiry_digest', '测试:本周许可证到期汇总', '正文', '/maintenance?expiring=120&sort=expiry', 0 FROM users WHERE login = 'nj-city'",
  );
  const others = sql(
    "SELECT m.id FROM messages m JOIN users u ON u.id = m.user_id WHERE u.login <> 'nj-city' ORDER BY m.id LIMIT 1",
  );
  await loginAs(page, 'regulator', 'nj-city');
  const before = unread('nj-city');
  await gotoHydrated(page, '/messages');
  await expectCount(page, before);
  await expect(page.locator('ul.messages li', { hasText: '本周许可证到期汇总' }).first()).toBeVisible();
  await page.getByRole('button', { name: '全部标为已读' }).click();
  await expect(page.getByRole('status').filter({ hasText: `已将 ${before} 条消息标为已读` })).toBeVisible();
  await expect(page.locator('ul.messages li.unread')).toHaveCount(0);
  await expectCount(page, 0);
  expect(unread('nj-city')).toBe(0);

  // Someone else's message answers like one that does not exist.
  if (others.length > 0) {
    await gotoHydrated(page, `/messages/${others[0][0]}`);
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.locator('article.message')).toHaveCount(0);
  }
});
