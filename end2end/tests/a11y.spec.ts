import AxeBuilder from '@axe-core/playwright';
import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, loginAs, PUBLIC_PAGES, ROLE_PAGES } from './helpers';

/** The serious and critical findings of the WCAG 2.1 A and AA rules on the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function expectAccessible(page: Page, path: string) {
  await gotoHydrated(page, path);
  const bad = await seriousViolations(page);
  expect(bad, bad.join('\n')).toEqual([]);
}

test('every public page passes the WCAG 2.1 AA checks', async ({ page }) => {
  test.slow(); // axe on eleven pages
  for (const path of PUBLIC_PAGES) await expectAccessible(page, path);
});

for (const role of ROLE_PAGES) {
  test(`every page of ${role.login} passes the WCAG 2.1 AA checks`, async ({ page }) => {
    test.slow();
    await loginAs(page, role.tab, role.login);
    for (const path of role.pages) await expectAccessible(page, path);
  });
}

test('a form showing its errors passes the WCAG 2.1 AA checks', async ({ page }) => {
  await gotoHydrated(page, '/register');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.locator('.error-summary')).toBeVisible();
  const bad = await seriousViolations(page);
  expect(bad, bad.join('\n')).toEqual([]);
});
