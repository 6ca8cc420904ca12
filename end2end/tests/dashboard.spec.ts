import { expect, test } from './fixtures';
import { gotoHydrated, loginAs } from './helpers';

test('a regulator sees what waits, follows a figure to its list and drills down to a county', async ({ page }) => {
  await loginAs(page, 'regulator', 'nj-city');
  await page.getByRole('link', { name: '监管统计' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('监管统计 · 江苏省 南京市');

  // A figure is the size of the list it opens.
  const expired = page.locator('.todo', { hasText: '已过期的许可证' });
  const count = Number(await expired.locator('.todo-value').innerText());
  expect(count).toBeGreaterThan(0);
  await expect(expired).toHaveClass(/urgent/);
  await expired.getByRole('link').click();
  await expect(page).toHaveURL(/\/maintenance\?expiring=-1&sort=expiry/);
  await expect(page.getByRole('status').filter({ hasText: '家企业' })).toContainText(`共 ${count} 家企业`);
  await page.goBack();

  // A chart is an image with its numbers in a table beside it, adding up.
  const modes = page.locator('section#by-mode');
  await expect(modes.getByRole('img', { name: '按经营方式' })).toBeVisible();
  const values = await modes.locator('tbody td').allInnerTexts();
  const sum = values.reduce((a, v) => a + Number(v), 0);
  await expect(modes.locator('tfoot td')).toHaveText(String(sum));
  expect(await modes.locator('svg rect').count()).toBe(values.length);

  // Drill down: 江宁区's own figures, which add up to its row in the city's table.
  const regions = page.locator('section#by-region');
  const jiangning = Number(await regions.getByRole('row', { name: /江宁区/ }).locator('td').innerText());
  expect(jiangning).toBeGreaterThan(0);
  await regions.getByRole('link', { name: '江宁区' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('监管统计 · 江苏省 南京市 江宁区');
  await expect(page.locator('section#by-mode tfoot td')).toHaveText(String(jiangning));
  await expect(page.locator('section#by-region')).toHaveCount(0);
  // Its registrations to review open the review queue of 江宁区 only.
  const registrations = page.locator('.todo', { hasText: '待审核的注册' });
  const waiting = Number(await registrations.locator('.todo-value').innerText());
  await registrations.getByRole('link').click();
  await expect(page).toHaveURL(/\/review\?region=320115$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('.review-scope')).toContainText('仅显示从监管统计所选地区的注册申请');
  await expect(page.locator('li.review-card:not(.phone-change)')).toHaveCount(waiting);
  await page.goBack();
  // And back up by the trail.
  await page.getByRole('navigation', { name: '上级地区' }).getByRole('link', { name: '南京市' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('监管统计 · 江苏省 南京市');
  await page.screenshot({ path: 'test-results/dashboard-city.png', fullPage: true });
});

test('a county regulator cannot look at the city, and is told why', async ({ page }) => {
  await loginAs(page, 'regulator', 'nj-xuanwu');
  await gotoHydrated(page, '/dashboard?region=320100');
  await expect(page.getByRole('alert')).toContainText('该地区不在您的辖区内');
  await gotoHydrated(page, '/dashboard');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('监管统计 · 江苏省 南京市 玄武区');
});
