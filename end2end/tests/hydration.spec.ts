import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DEMO_PASSWORD, gotoHydrated, loginAs, PUBLIC_PAGES, ROLE_PAGES } from './helpers';

/**
 * Users (and password managers) type as soon as a form appears, before the
 * browser has loaded and started the page's code. The wasm is held back
 * until the typing is done, and the machine slowed down while it starts, so
 * the typing really happens before hydration; what was typed must survive
 * it and be what is submitted. Returns the function that lets the wasm go.
 */
async function holdBackTheCode(page: Page): Promise<() => Promise<void>> {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  const cdp = await page.context().newCDPSession(page);
  return async () => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    release();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true', { timeout: 30_000 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  };
}

const FORMS: { path: string; fields: [string, string][] }[] = [
  { path: '/login', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61'], ['密码', DEMO_PASSWORD]] },
  { path: '/login?tab=regulator', fields: [['用户名', 'nj-xuanwu'], ['密码', DEMO_PASSWORD]] },
  { path: '/register', fields: [['统一社会信用代码', '91350211M0000XUF46'], ['企业名称', '厦门预填测试有限公司'], ['法定代表人姓名', '张三']] },
  { path: '/forgot-password', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61']] },
  { path: '/change-phone', fields: [['账号(统一社会信用代码)', '91320102MA1XYR7K61'], ['企业名称', '南京测试有限公司'], ['新手机号', '13912340077']] },
];

for (const form of FORMS) {
  test(`typing into ${form.path} before the page is ready keeps every character`, async ({ page }) => {
    const start = await holdBackTheCode(page);
    await page.goto(form.path, { waitUntil: 'commit' });
    for (const [label, value] of form.fields) {
      await page.getByLabel(label, { exact: true }).fill(value);
    }
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
    await start();
    // Give any late reset a chance to happen.
    await page.waitForTimeout(500);
    for (const [label, value] of form.fields) {
      await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
    }
  });
}

test('a login typed before the page is ready is the login that is submitted', async ({ page }) => {
  const start = await holdBackTheCode(page);
  await page.goto('/login', { waitUntil: 'commit' });
  await page.getByLabel('账号(统一社会信用代码)').fill('91350100M000100Y43');
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  await start();
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toContainText('福州');
});

test('every public page hydrates without an error', async ({ page }) => {
  for (const path of PUBLIC_PAGES) await gotoHydrated(page, path);
});

for (const role of ROLE_PAGES) {
  test(`every page of ${role.login} hydrates without an error`, async ({ page }) => {
    await loginAs(page, role.tab, role.login);
    for (const path of role.pages) await gotoHydrated(page, path);
  });
}
