import { expect, test } from './fixtures';
import { gotoHydrated, loginAs, makeRegulator } from './helpers';

// The demo's licences of the last weeks (seed.rs, PUBLICITY_ENTERPRISES).
const GRANTED_RECENTLY = '南京浦口示例气体经销有限公司';
const GRANTED_EARLIER = '南京雨花台示例化学品销售有限公司';
const CANCELLED = '南京六合示例油品贸易有限公司';

test('an anonymous visitor follows 许可公示 from the home page and narrows it', async ({ page }) => {
  await gotoHydrated(page, '/');
  await page.getByRole('navigation', { name: '公开查询' }).getByRole('link', { name: '许可公示' }).click();
  await expect(page).toHaveURL(/\/publicity$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('危险化学品经营许可公示');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('时间范围')).toHaveValue('30');
  const granted = page.locator('table.publicity-granted');
  const row = granted.locator('tbody tr', { hasText: GRANTED_RECENTLY });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('首次申请');
  await expect(row).toContainText('南京市应急管理局');
  await expect(row).toContainText('苏(宁)危化经字〔');
  await expect(granted).toContainText(GRANTED_EARLIER);
  const cancelled = page.locator('table.publicity-cancelled tbody tr', { hasText: CANCELLED });
  await expect(cancelled).toContainText('企业停止危险化学品经营活动');
  // Nothing personal: the demo's legal representative and contacts stay out.
  for (const name of ['赵一', '钱二', '孙三']) await expect(page.locator('main')).not.toContainText(name);

  // The last 7 days: the grant of two weeks ago drops out.
  await page.getByLabel('时间范围').selectOption({ label: '近7天' });
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/days=7/);
  await expect(page.getByLabel('时间范围')).toHaveValue('7');
  await expect(page.locator('main')).not.toContainText(GRANTED_EARLIER);

  // Another issuing authority: nothing issued there.
  await page.getByLabel('时间范围').selectOption({ label: '近90天' });
  await page.getByLabel('发证机关').selectOption({ label: '南京市玄武区应急管理局' });
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByText('这段时间没有准予许可(发证)的记录。')).toBeVisible();
  await expect(page.getByText('这段时间没有注销许可证的记录。')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('许可公示 is a plain page with a GET form', async ({ page }) => {
    await page.goto('/publicity');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
    await expect(page.locator('table.publicity-granted')).toContainText(GRANTED_RECENTLY);
    await page.getByLabel('时间范围').selectOption({ label: '近90天' });
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page).toHaveURL(/\/publicity\?days=90&issuer=0$/);
    await expect(page.locator('table.publicity-cancelled')).toContainText(CANCELLED);
  });
});

test('an anonymous visitor reads 通知公告, pinned first, and cannot write', async ({ page }) => {
  await gotoHydrated(page, '/');
  await page.getByRole('navigation', { name: '公开查询' }).getByRole('link', { name: '通知公告' }).click();
  await expect(page).toHaveURL(/\/notices$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const first = page.locator('ul.notice-list li').first();
  await expect(first.locator('.pinned-tag')).toHaveText('置顶');
  await expect(page.getByRole('link', { name: '新建公告' })).toHaveCount(0);
  await page.getByRole('link', { name: '关于做好危险化学品经营许可证延期换证工作的通知' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('关于做好危险化学品经营许可证延期换证工作的通知');
  await expect(page.locator('.article-meta')).toContainText('发布单位:南京市应急管理局');
  await expect(page.locator('.article-body table')).toContainText('有效期届满3个月前');
  await expect(page.getByRole('link', { name: '编辑' })).toHaveCount(0);
  // The footer leads to every public service from any page.
  const footer = page.getByRole('navigation', { name: '公开信息' });
  await expect(footer.getByRole('link', { name: '许可证查询' })).toHaveAttribute('href', '/lookup');
  await expect(footer.getByRole('link', { name: '许可公示' })).toHaveAttribute('href', '/publicity');
});

test('an issuing authority publishes a notice that then appears publicly, rendered inert', async ({ page, browser }) => {
  await loginAs(page, 'regulator', makeRegulator('nj-city'));
  await gotoHydrated(page, '/notices');
  await page.getByRole('link', { name: '新建公告' }).click();
  await expect(page).toHaveURL(/\/notices\/new$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const title = `关于危险化学品经营单位安全检查的公告 ${Date.now() % 100000}`;
  // Checked in the browser with the server's rules before anything is sent.
  await page.getByLabel('标题', { exact: true }).fill('长'.repeat(61));
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page.locator('#f-title-msg')).toContainText('标题最多60个字');
  await expect(page.locator('#f-body-msg')).toContainText('请输入公告正文');
  await page.getByLabel('标题', { exact: true }).fill(title);
  await page.getByLabel(/^正文/).fill('## 检查安排\n\n请各单位做好准备。<b>不是HTML</b>');
  await page.getByRole('button', { name: '预览' }).click();
  const preview = page.getByRole('region', { name: '预览' });
  await expect(preview.getByRole('heading', { name: '检查安排' })).toBeVisible();
  await expect(preview).toContainText('<b>不是HTML</b>');
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/notices\/\d+$/);
  await expect(page.getByRole('status').filter({ hasText: '公告已保存。' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const path = new URL(page.url()).pathname;

  // Anyone sees it on the board and opens it.
  const anyone = await (await browser.newContext()).newPage();
  await gotoHydrated(anyone, '/notices');
  await anyone.getByRole('link', { name: title }).click();
  await expect(anyone).toHaveURL(new RegExp(`${path}$`));
  await expect(anyone.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(anyone.locator('.article-meta')).toContainText('南京市应急管理局');
  await expect(anyone.locator('.article-body')).toContainText('<b>不是HTML</b>');

  // Withdrawn, it is gone for the public.
  await page.getByRole('button', { name: '撤回' }).click();
  await expect(page.getByText('这条公告已撤回,公众看不到')).toBeVisible();
  const res = await anyone.goto(path);
  expect(res?.status()).toBe(404);
});
