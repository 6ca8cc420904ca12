import { expect, test } from './fixtures';
import { gotoHydrated } from './helpers';

test('home page explains the account and links to registration', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await gotoHydrated(page, '/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('危险化学品经营安全监管系统');
  await expect(page.getByText('登录账号就是营业执照上的统一社会信用代码')).toBeVisible();
  await expect(page.locator('.service-phone')).toHaveText('400-9659818');
  await page.getByRole('link', { name: '企业注册' }).first().click();
  await expect(page).toHaveURL(/\/register$/);
  expect(errors).toEqual([]);
});

test('health check, security headers and compressed wasm', async ({ request }) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect(await health.text()).toBe('ok');
  const home = await request.get('/');
  expect(home.headers()['x-content-type-options']).toBe('nosniff');
  expect(home.headers()['x-frame-options']).toBe('DENY');
  const wasm = await request.get('/pkg/whp.wasm', { headers: { 'accept-encoding': 'gzip, br' } });
  expect(wasm.status()).toBe(200);
  expect(['br', 'gzip']).toContain(wasm.headers()['content-encoding']);
});

test('an unknown page is a 404 with the way back', async ({ page }) => {
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
});

test('a request for another host or port is sent to the one canonical origin', async ({ request }) => {
  const res = await request.get('/register', { headers: { host: 'localhost:2443' }, maxRedirects: 0 });
  expect(res.status()).toBe(308);
  expect(res.headers()['location']).toBe('http://127.0.0.1:3000/register');
});
