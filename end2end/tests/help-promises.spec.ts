import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, loginAs, makeEnterprise, openStep } from './helpers';

/**
 * What a help article says about the screen it names, checked on that
 * screen. Each promise quotes the article: if the text changes, this test
 * fails until the promise here is checked again.
 */
type Promise_ = { slug: string; says: string; check: (page: Page) => Promise<void> };

const enterprise = async (page: Page) => {
  await loginAs(page, 'enterprise', makeEnterprise('南京帮助核对化工有限公司'));
  await gotoHydrated(page, '/info');
};

const PROMISES: Promise_[] = [
  {
    slug: 'faq-multiple-licences',
    says: '在“完善信息”中进入“许可证”步骤',
    check: async (page) => {
      await enterprise(page);
      await expect(page.getByRole('group', { name: /是否一企多证/ })).toHaveCount(0);
      await openStep(page, '3 许可证', 'licences');
      await expect(page.getByRole('group', { name: /是否一企多证/ })).toBeVisible();
      await expect(page.getByRole('button', { name: '新增经营许可证' })).toBeVisible();
    },
  },
  {
    slug: 'login-manual',
    says: '在登录页或找回密码页点击“手机号码无法接收短信?”',
    check: async (page) => {
      for (const path of ['/login', '/forgot-password']) {
        await gotoHydrated(page, path);
        await expect(page.getByRole('link', { name: '手机号码无法接收短信?' })).toHaveAttribute('href', /^\/change-phone/);
      }
    },
  },
  {
    slug: 'enterprise-info-manual',
    says: '点击“保存草稿”或“保存并下一步”时',
    check: async (page) => {
      await enterprise(page);
      await expect(page.getByRole('button', { name: '保存草稿' })).toBeVisible();
      await expect(page.getByRole('button', { name: '保存并下一步' })).toBeVisible();
    },
  },
  {
    slug: 'faq-update-info',
    says: '首页“企业信息”处点击“完善信息”',
    check: async (page) => {
      await loginAs(page, 'enterprise', makeEnterprise('南京帮助首页化工有限公司'));
      await expect(page.getByRole('link', { name: '完善信息' }).last()).toBeVisible();
    },
  },
];

for (const [i, p] of PROMISES.entries()) {
  test(`help ${p.slug} (${i + 1}): “${p.says}” is true`, async ({ page }) => {
    await gotoHydrated(page, `/help/${p.slug}`);
    await expect(page.locator('article, main').first()).toContainText(p.says);
    await p.check(page);
  });
}

test('no article promises saving by itself', async ({ page }) => {
  for (const slug of ['enterprise-info-manual', 'faq-update-info']) {
    await gotoHydrated(page, `/help/${slug}`);
    await expect(page.locator('main')).not.toContainText('自动保存');
  }
});
