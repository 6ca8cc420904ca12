import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { freshCreditCode, gotoHydrated, loginAs, makeRegulator, sql } from './helpers';

const QUERIES: [string, string][] = [
  ['完善信息', '02 企业完善信息操作手册'],
  ['忘记密码', '忘记密码怎么办?'],
  ['一企多证', '有多张危险化学品经营许可证,怎么填报(一企多证)?'],
  ['加油站', '加油站和其他企业如何选择经营方式?'],
  ['重大危险源', '什么是重大危险源?怎样判断是否构成?'],
];

for (const [q, title] of QUERIES) {
  test(`searching "${q}" from the home page finds the right article first`, async ({ page }) => {
    await gotoHydrated(page, '/');
    await page.getByRole('searchbox', { name: '搜索帮助' }).fill(q);
    await page.getByRole('button', { name: '搜索' }).click();
    await expect(page).toHaveURL(/\/help\/search\?q=/);
    const first = page.locator('.search-results li').first();
    await expect(first.locator('.result-title')).toHaveText(title);
    await expect(first.locator('mark').first()).toHaveText(q);
    // The query stays in the box for a refined search.
    await expect(page.getByRole('searchbox', { name: '搜索帮助' })).toHaveValue(q);
    await first.locator('.result-title').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  });
}

test('a search without results says what to try and whom to call', async ({ page }) => {
  await gotoHydrated(page, '/help/search?q=' + encodeURIComponent('没有这种说法'));
  await expect(page.getByRole('status')).toContainText('没有找到包含“没有这种说法”的文章');
  await expect(page.locator('main .service-phone')).toHaveText('400-9659818');
});

async function openPopup(page: Page, click: () => Promise<void>): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), click()]);
  await popup.waitForLoadState();
  return popup;
}

test('an error links to the article that explains it, in a new tab, keeping the form', async ({ page }) => {
  await gotoHydrated(page, '/login');
  const account = page.getByLabel('账号(统一社会信用代码)');
  const code = freshCreditCode();
  await account.fill(code);
  await page.getByLabel('密码').fill('Whatever-2026');
  await page.getByRole('button', { name: '登录' }).click();
  const message = page.locator('#f-account-msg');
  await expect(message).toContainText('此账号不存在');
  const help = await openPopup(page, () => message.getByRole('link', { name: '查看帮助' }).click());
  await expect(help).toHaveURL(/\/help\/faq-account-not-found$/);
  await expect(help.getByRole('heading', { level: 1 })).toHaveText('已注册,但登录时提示“此账号不存在”?');
  // Nothing typed was lost.
  await expect(account).toHaveValue(code);

  // A browser-side message links too, before anything is sent.
  await account.fill('91320102MA1XYR7K6');
  await account.blur();
  const formatHelp = page.locator('#f-account-msg').getByRole('link', { name: '查看帮助' });
  await expect(formatHelp).toHaveAttribute('href', '/help/faq-login-account');
});

test('each form step has a "?" to its manual section', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const tip = page.getByRole('link', { name: '帮助:填写机构信息(新窗口打开)' });
  await expect(tip).toHaveAttribute('href', '/help/register-manual#org-info');
  const manual = await openPopup(page, () => tip.click());
  await expect(manual.getByRole('heading', { level: 1 })).toHaveText('01 企业注册操作手册');
  await expect(manual.locator('#org-info')).toBeInViewport();
});

// A test of its own: with the register manual above, one test loaded three
// pages and ran out of time on a busy CI machine.
test('the forgot-password form has a "?" to its manual section', async ({ page }) => {
  await gotoHydrated(page, '/forgot-password');
  await expect(page.getByRole('link', { name: /^帮助:找回密码/ })).toHaveAttribute('href', '/help/login-manual#forgot');
});

test('articles print without navigation, search or buttons', async ({ page }) => {
  await gotoHydrated(page, '/help/faq-registry-mismatch');
  await expect(page.locator('.article-body table')).toBeVisible();
  // 打印 opens the browser's print dialog, once per click.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await page.getByRole('button', { name: '打印' }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.help-search')).toBeHidden();
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
  await expect(page.locator('.site-header nav')).toBeHidden();
});

test('an unknown help page is a 404 with search and the service line', async ({ page }) => {
  const res = await page.goto('/help/no-such-article');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await expect(page.getByRole('searchbox', { name: '搜索帮助' })).toBeVisible();
  await expect(page.locator('main .service-phone')).toHaveText('400-9659818');
});

async function loginAdmin(page: Page) {
  await loginAs(page, 'regulator', makeRegulator('admin'));
}

test('an administrator edits an article with a preview; a concurrent edit is never lost', async ({ browser }) => {
  const slug = 'faq-wrong-site';
  const [before] = sql('SELECT version FROM help_articles WHERE slug = ?', slug);
  const base = Number(before[0]);

  const admin = await browser.newContext();
  const first = await admin.newPage();
  await loginAdmin(first);
  await gotoHydrated(first, `/help/${slug}`);
  await first.getByRole('link', { name: '编辑', exact: true }).click();
  await expect(first.getByRole('heading', { level: 1 })).toContainText('编辑帮助文章');
  await expect(first.locator('html')).toHaveAttribute('data-hydrated', 'true');

  // A second administrator window opens the same version.
  const second = await admin.newPage();
  await gotoHydrated(second, `/help/${slug}/edit`);

  const body = first.getByLabel(/^正文/);
  await body.fill('## 正式地址 {#address}\n\n请从**本系统正式地址**打开。<b>不会被当作HTML</b>');
  await first.getByRole('button', { name: '预览' }).click();
  const preview = first.getByRole('region', { name: '预览' });
  await expect(preview.getByRole('heading', { name: '正式地址' })).toBeVisible();
  await expect(preview).toContainText('<b>不会被当作HTML</b>');
  await first.getByLabel('标题', { exact: true }).fill('跳到了其他网站怎么办?');
  await first.getByRole('button', { name: '保存' }).click();
  await expect(first.getByRole('status')).toHaveText(`已保存为第${base + 1}版。`);
  await expect(first.getByRole('heading', { level: 1 })).toHaveText('跳到了其他网站怎么办?');
  await expect(first.locator('.article-body strong')).toHaveText('本系统正式地址');

  // The second window still edits the old version: its save is refused,
  // its text stays, and the newer version is shown next to it.
  const secondBody = second.getByLabel(/^正文/);
  await secondBody.fill('第二位管理员的修改');
  await second.getByRole('button', { name: '保存' }).click();
  await expect(second.locator('#f-body-msg')).toContainText(`系统管理员保存了第${base + 1}版`);
  await expect(second.locator('#f-body-msg')).toContainText('没有丢失');
  await expect(secondBody).toHaveValue('第二位管理员的修改');
  await expect(second.getByRole('region', { name: /最新版本/ })).toContainText('请从**本系统正式地址**打开。');
  const [stored] = sql('SELECT title, version FROM help_articles WHERE slug = ?', slug);
  expect(stored).toEqual(['跳到了其他网站怎么办?', String(base + 1)]);

  // Having seen it, the second administrator merges and saves.
  await expect(second.getByRole('region', { name: /最新版本/ })).toContainText('标题:跳到了其他网站怎么办?');
  await second.getByLabel('标题', { exact: true }).fill('跳到了其他网站怎么办?');
  await secondBody.fill('请从**本系统正式地址**打开。\n\n第二位管理员的修改');
  await second.getByRole('button', { name: '保存' }).click();
  await expect(second.getByRole('status')).toHaveText(`已保存为第${base + 2}版。`);

  // Every version is kept and readable; search finds the new text.
  await gotoHydrated(second, `/help/${slug}/history`);
  await expect(second.locator('.versions li')).toHaveCount(base + 2);
  await second.getByRole('link', { name: `第${base}版`, exact: true }).click();
  await expect(second.getByText(`您正在查看第${base}版(历史版本)`)).toBeVisible();
  await gotoHydrated(second, '/help/search?q=' + encodeURIComponent('第二位管理员'));
  await expect(second.locator('.search-results .result-title').first()).toHaveText('跳到了其他网站怎么办?');
});

test('an article edited without JavaScript is saved on the version it was opened at', async ({ browser }) => {
  const slug = 'faq-password-rules';
  const [[version]] = sql('SELECT version FROM help_articles WHERE slug = ?', slug);
  const admin = await browser.newContext();
  await loginAdmin(await admin.newPage());
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await admin.storageState() });
  const page = await plain.newPage();
  await page.goto(`/help/${slug}/edit`);
  const title = '密码有什么要求?为什么不能包含 # * / 符号?';
  await expect(page.getByLabel('标题', { exact: true })).toHaveValue(title);
  await page.getByLabel('标题', { exact: true }).fill(`${title}(核对)`);
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect
    .poll(() => sql('SELECT title, version FROM help_articles WHERE slug = ?', slug)[0])
    .toEqual([`${title}(核对)`, String(Number(version) + 1)]);
  await plain.close();
  await admin.close();
});

test('only administrators see the editor', async ({ page }) => {
  await gotoHydrated(page, '/help/faq-sms-code');
  await expect(page.getByRole('link', { name: '编辑', exact: true })).toHaveCount(0);
  await gotoHydrated(page, '/help/faq-sms-code/edit');
  await expect(page.getByRole('alert')).toContainText('您没有权限进行此操作。');
  await expect(page.getByLabel(/^正文/)).toHaveCount(0);
});

test('script in an article never runs: not in the preview, the article or an old version', async ({ page }) => {
  const dialogs: string[] = [];
  const violations: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await loginAdmin(page);
  const slug = 'faq-regulator-editing';
  await gotoHydrated(page, `/help/${slug}/edit`);
  const corpus = [
    '## 测试 {onmouseover=alert(document.domain) tabindex=0}',
    '## 第二 {#second onfocus=alert(2) autofocus=1}',
    '<img src=x onerror=alert(3)> <svg onload=alert(4)></svg> <script>alert(5)</script>',
    '[点我](javascript:alert(6)) ![图](data:image/svg+xml,<svg onload=alert(7)>)',
    '[另一个](JaVaScRiPt:alert(8))',
  ].join('\n\n');
  await page.getByLabel(/^正文/).fill(corpus);
  await page.getByRole('button', { name: '预览' }).click();
  const preview = page.getByRole('region', { name: '预览' });
  await expect(preview.getByRole('heading', { name: '测试' })).toBeVisible();
  await expect(preview.locator('h2').first()).not.toHaveAttribute('onmouseover', /./);
  await preview.getByRole('heading', { name: '测试' }).hover();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toContainText('已保存为第');

  // The article, hovered and clicked as a reader would.
  await gotoHydrated(page, `/help/${slug}`);
  const body = page.locator('.article-body');
  await body.getByRole('heading', { name: '测试' }).hover();
  await body.getByRole('link', { name: '点我' }).click();
  await body.getByRole('link', { name: '另一个' }).click();
  expect(await body.locator('[onmouseover], [onerror], [onload], [onfocus], svg, script').count()).toBe(0);
  expect(await body.locator('a[href^="javascript" i], img[src^="data" i]').count()).toBe(0);
  await expect(body).toContainText('<script>alert(5)</script>');
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(violations).toEqual([]);
});
