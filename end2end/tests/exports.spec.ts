import { readFileSync } from 'node:fs';
import { type Download, type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { gotoHydrated, loginAs, makeRegulator, sql } from './helpers';

/** Clicks `link` and returns the download it starts, with its bytes. */
async function download(page: Page, name: string): Promise<{ d: Download; bytes: Buffer }> {
  const [d] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name, exact: true }).first().click(),
  ]);
  expect(await d.failure()).toBeNull();
  const path = await d.path();
  return { d, bytes: readFileSync(path) };
}

/** The rows of a CSV without its header (no cell of these lists holds a line break). */
function csvRows(text: string): string[] {
  return text.split('\n').slice(1).filter((l) => l.length > 0);
}

test('a regulator exports the directory as CSV and Excel: every row the page counts', async ({ page }) => {
  await loginAs(page, 'regulator', makeRegulator('nj-city'));
  // The demo enterprises (other tests add enterprises in Nanjing meanwhile; none is a 示例).
  await gotoHydrated(page, '/maintenance?q=%E7%A4%BA%E4%BE%8B');
  const status = page.getByRole('status').filter({ hasText: /共 \d+ 家企业/ });
  const total = Number((await status.textContent())?.match(/共 (\d+) 家企业/)?.[1]);
  expect(total).toBeGreaterThan(0);
  await expect(page.locator('.exports').first()).toContainText(`共 ${total} 行`);
  // The links carry the page's filter.
  await expect(page.getByRole('link', { name: '导出 CSV', exact: true }).first()).toHaveAttribute('href', /\/export\/directory\.csv\?q=%E7%A4%BA%E4%BE%8B/);

  const csv = await download(page, '导出 CSV');
  expect(csv.d.suggestedFilename()).toMatch(/^企业名录-\d{8}\.csv$/);
  // UTF-8 with a BOM, so that Excel reads the Chinese.
  expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = csv.bytes.toString('utf8').replace(/^\uFEFF/, '');
  expect(text.split('\n')[0]).toBe('企业名称,统一社会信用代码,所属地区,经营方式,重大危险源,状态,修改申请待确认,最近到期');
  const rows = csvRows(text);
  expect(rows).toHaveLength(total);
  const a = rows.find((r) => r.startsWith('南京玄武示例化工贸易有限公司,'));
  expect(a).toBeDefined();
  expect(a).toContain('91320102MA1XYR7K61');
  expect(a).toContain('江苏省 南京市 玄武区');

  const xlsx = await download(page, '导出 Excel');
  expect(xlsx.d.suggestedFilename()).toMatch(/^企业名录-\d{8}\.xlsx$/);
  // A zip (an .xlsx is one) of some size.
  expect(xlsx.bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  expect(xlsx.bytes.length).toBeGreaterThan(2000);
});

test('the annual report rolls the counties up into the city, drills down and exports', async ({ page }) => {
  // The year the demo cases of 秦淮区 were submitted (China time).
  const at = Number(sql("SELECT c.submitted_at FROM licence_cases c JOIN enterprises e ON e.id = c.enterprise_id WHERE e.name = '南京秦淮示例油品经销有限公司'")[0][0]);
  const year = new Date((at + 8 * 3600) * 1000).getUTCFullYear();
  await loginAs(page, 'regulator', makeRegulator('nj-city'));
  await page.getByRole('link', { name: '年度报告' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  // Last year by default, for the caller's city.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${new Date(Date.now() + 8 * 3600e3).getUTCFullYear() - 1}年度`);
  await expect(page.locator('.report-region')).toContainText('江苏省 南京市');
  // The demo's last year: three licences issued in three counties, one application not accepted.
  const lastYear = page.locator('table.report-table tfoot tr.total td');
  await expect(lastYear).toHaveCount(16);
  expect(Number(await lastYear.nth(9).textContent())).toBeGreaterThanOrEqual(3);
  expect(Number(await lastYear.nth(6).textContent())).toBeGreaterThanOrEqual(1);

  await gotoHydrated(page, `/reports/annual?year=${year}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${year}年度`);
  const table = page.locator('table.report-table');
  const firstColumn = async (row: string) => Number(await table.locator(`${row} td`).first().textContent());
  // 秦淮区 received the demo first applications (two, unless the year turned between them).
  const qinhuai = table.locator('tbody tr', { has: page.getByRole('rowheader', { name: '秦淮区' }) });
  const received = Number(await qinhuai.locator('td').first().textContent());
  expect(received).toBeGreaterThanOrEqual(1);
  // The total is the sum of the rows, column by column.
  const sums = await table.evaluate((t) => {
    const body = [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent)));
    const total = [...t.querySelectorAll('tfoot tr.total td')].map((c) => Number(c.textContent));
    return { body: body[0].map((_, i) => body.reduce((s, r) => s + r[i], 0)), total };
  });
  expect(sums.total).toHaveLength(16);
  expect(sums.total).toEqual(sums.body);
  expect(await firstColumn('tfoot tr.total')).toBeGreaterThanOrEqual(received);

  // Drill down: the county's own report, with the same figure.
  await qinhuai.locator('td a').first().click();
  await expect(page).toHaveURL(/region=320104/);
  await expect(page.locator('.report-region')).toContainText('秦淮区');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  expect(await firstColumn('tbody tr')).toBe(received);
  await expect(page.getByRole('link', { name: /返回上一级/ })).toBeVisible();

  // Exported with the same figures and the total row.
  const csv = await download(page, '导出 CSV');
  expect(csv.d.suggestedFilename()).toMatch(new RegExp(`^年度报告-.*秦淮区-${year}年-\\d{8}\\.csv$`));
  const rows = csvRows(csv.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  expect(rows.at(-1)?.split(',')[0]).toBe('合计');
  expect(Number(rows.at(-1)?.split(',')[1])).toBe(received);
});
