import { expect, test } from '@playwright/test';
import { freshCreditCode, gotoHydrated, lastSmsCode, registryAdd, sql } from './helpers';

test('a handler whose phone no longer gets SMS changes it from the recovery page', async ({ page }) => {
  // An account of its own, so parallel tests are not affected.
  const code = freshCreditCode();
  registryAdd(code, '南京换号测试有限公司');
  sql(
    "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) VALUES (?, '南京换号测试有限公司', 'enterprise', '王五', 'resident_id', '11010519491231002X', '320102', 0)",
    code,
  );
  sql(
    "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at) VALUES ('enterprise', ?, '赵六', (SELECT id FROM enterprises WHERE credit_code = ?), '13912340011', 'x', 'active', 0)",
    code,
    code,
  );

  await gotoHydrated(page, `/forgot-password?account=${code}&sent=1`);
  await page.getByText('手机号码无法接收短信?').click();
  await page.getByRole('link', { name: '更换经办人手机号' }).click();
  await expect(page).toHaveURL(/\/change-phone$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  await page.getByLabel('企业名称').fill('南京换号测试有限公司');
  await page.getByLabel('法定代表人证件号码').fill('110105194912310021');
  await page.getByLabel('新手机号').fill('13912340022');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至新手机 139****0022')).toBeVisible();
  await page.getByLabel('短信验证码').fill(lastSmsCode('13912340022'));
  await page.getByRole('button', { name: '确认更换' }).click();
  const id = page.getByRole('textbox', { name: '法定代表人证件号码' });
  await expect(id).toHaveAccessibleDescription(/证件号码与注册时的信息不一致.*客服电话 400-9659818/);
  await expect(page.getByLabel('企业名称')).toHaveValue('南京换号测试有限公司');

  await id.fill('11010519491231002x');
  await page.getByRole('button', { name: '确认更换' }).click();
  await expect(page.getByRole('status')).toContainText('经办人手机号已更换为 139****0022');
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([['13912340022']]);
});
