import { expect, test } from './fixtures';
import { freshCreditCode, gotoHydrated, lastSmsCode, loginAs, makeEnterprise, makeRegulator, registryAdd, sql } from './helpers';

/** An account of its own (so parallel tests are not affected), known to the registry. */
function enterpriseWithPhone(name: string, mobile: string): string {
  const code = freshCreditCode();
  registryAdd(code, name);
  sql(
    "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) VALUES (?, ?, 'enterprise', '王五', 'resident_id', '11010519491231002X', '320102', 0)",
    code,
    name,
  );
  sql(
    "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at) VALUES ('enterprise', ?, '赵六', (SELECT id FROM enterprises WHERE credit_code = ?), ?, 'x', 'active', 0)",
    code,
    code,
    mobile,
  );
  return code;
}

/** The link of the newest SMS to `mobile` that carries one. */
function linkSentTo(mobile: string, path: string): string {
  const rows = sql("SELECT body FROM sms_messages WHERE mobile = ? AND body LIKE ? ORDER BY id DESC LIMIT 1", mobile, `%${path}%`);
  const url = rows[0]?.[0]?.match(/https?:\/\/\S+?\?[rt]=[0-9a-f]{64}/)?.[0];
  if (!url) throw new Error(`no link to ${path} sent to ${mobile}`);
  return url;
}

test('someone with only public data cannot take over an account: the phone on file is told and cancels', async ({ browser }) => {
  const owner = '13912340011';
  const attacker = '13912340022';
  const code = enterpriseWithPhone('南京换号测试有限公司', owner);

  // The outsider, from the recovery page, with the company's public data and their own phone.
  const page = await browser.newPage();
  await gotoHydrated(page, `/forgot-password?account=${code}&sent=1`);
  await page.getByText('手机号码无法接收短信?').click();
  await page.getByRole('link', { name: '更换经办人手机号' }).click();
  await expect(page).toHaveURL(new RegExp(`/change-phone\\?account=${code}$`));
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByText('申请提交后会立即以短信告知原手机号')).toBeVisible();
  // The account comes along from the recovery page.
  await expect(page.getByLabel('账号(统一社会信用代码)')).toHaveValue(code);
  await page.getByLabel('企业名称').fill('南京换号测试有限公司');
  await page.getByLabel('法定代表人证件号码').fill('110105194912310038');
  await page.getByLabel('新手机号').fill(attacker);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至新手机 139****0022')).toBeVisible();
  // A wrong code says nothing about the typed ID number.
  await page.getByLabel('短信验证码').fill('000000');
  await page.getByRole('button', { name: '确认更换' }).click();
  await expect(page.getByRole('textbox', { name: '短信验证码' })).toHaveAccessibleDescription(/验证码不正确/);
  await expect(page.getByRole('textbox', { name: '法定代表人证件号码' })).not.toHaveAccessibleDescription(/不一致/);
  // With the code, a mismatch is reported at its field, and nothing typed is lost.
  await page.getByLabel('短信验证码').fill(lastSmsCode(attacker));
  await page.getByRole('button', { name: '确认更换' }).click();
  const id = page.getByRole('textbox', { name: '法定代表人证件号码' });
  await expect(id).toHaveAccessibleDescription(/证件号码与注册时的信息不一致.*客服电话 400-9659818/);
  await expect(page.getByLabel('企业名称')).toHaveValue('南京换号测试有限公司');
  // The same code still works once the typo is fixed.
  await id.fill('11010519491231002x');
  await page.getByRole('button', { name: '确认更换' }).click();

  // The requester lands on the status page: announced, waiting, not changed.
  await expect(page).toHaveURL(/\/change-phone\/status\?r=[0-9a-f]{64}$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('dd.status')).toHaveText('等待生效(公示期)');
  await expect(page.getByText('已短信告知原手机号 139****0011')).toBeVisible();
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([[owner]]);

  // The real owner opens the link their phone received and cancels.
  const holder = await browser.newPage();
  await gotoHydrated(holder, new URL(linkSentTo(owner, '/change-phone/cancel')).pathname + new URL(linkSentTo(owner, '/change-phone/cancel')).search);
  await expect(holder.getByText('139****0022')).toBeVisible();
  await holder.getByRole('button', { name: '取消这次更换' }).click();
  await expect(holder.getByRole('status').first()).toContainText('已取消');
  await expect(holder.locator('dd.status')).toHaveText('已取消');

  // The requester sees it, and the account keeps its phone even after the waiting period.
  await page.reload();
  await expect(page.locator('dd.status')).toHaveText('已取消');
  await expect(page.getByText('已被原手机号取消')).toBeVisible();
  sql("UPDATE phone_changes SET effective_at = 0 WHERE user_id = (SELECT id FROM users WHERE login = ?)", code);
  await page.reload();
  await expect(page.locator('dd.status')).toHaveText('已取消');
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([[owner]]);
});

test('without the registry the requester uploads documents and a reviewer decides; it takes effect after the waiting period', async ({ browser }) => {
  const owner = '13912340033';
  const next = '13912340044';
  const code = enterpriseWithPhone('南京换号审核测试有限公司', owner);
  sql('DELETE FROM registry_entries WHERE credit_code = ?', code);

  const page = await browser.newPage();
  await gotoHydrated(page, '/change-phone');
  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  await page.getByLabel('企业名称').fill('南京换号审核测试有限公司');
  await page.getByLabel('法定代表人证件号码').fill('11010519491231002X');
  await page.getByLabel('新手机号').fill(next);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至新手机 139****0044')).toBeVisible();
  await page.getByLabel('短信验证码').fill(lastSmsCode(next));
  await page.getByRole('button', { name: '确认更换' }).click();
  await expect(page).toHaveURL(/\/change-phone\/status\?r=/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('dd.status')).toHaveText('待上传证明材料');

  await page.getByRole('button', { name: '提交审核' }).click();
  await expect(page.getByRole('alert')).toContainText('还缺:营业执照');
  const pdf = { mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% evidence\n') };
  await page.getByLabel('营业执照(副本)扫描件').setInputFiles({ name: '营业执照.pdf', ...pdf });
  await expect(page.getByText('已上传:营业执照.pdf')).toBeVisible();
  await page.getByLabel('法定代表人授权书(盖公章)扫描件').setInputFiles({ name: '授权书.pdf', ...pdf });
  await expect(page.getByText('已上传:授权书.pdf')).toBeVisible();
  await page.getByLabel('新经办人身份证件扫描件').setInputFiles({ name: '身份证.pdf', ...pdf });
  await expect(page.getByText('已上传:身份证.pdf')).toBeVisible();
  await page.getByRole('button', { name: '提交审核' }).click();
  await expect(page.locator('dd.status')).toHaveText('人工审核中');

  // The county's regulator reviews the documents and agrees.
  const reviewer = await browser.newPage();
  await loginAs(reviewer, 'regulator', makeRegulator());
  await gotoHydrated(reviewer, '/review');
  const card = reviewer.locator('li.phone-change', { hasText: '南京换号审核测试有限公司' });
  await expect(card.getByRole('link', { name: '营业执照.pdf' })).toHaveAttribute('href', /\/files\/phone-evidence\/[0-9a-f]{64}$/);
  await card.getByRole('button', { name: '同意更换' }).click();
  await expect(reviewer.getByRole('status').first()).toContainText('公示期满后生效');

  await page.reload();
  await expect(page.locator('dd.status')).toHaveText('等待生效(公示期)');
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([[owner]]);
  // The waiting period passes with nobody objecting.
  sql("UPDATE phone_changes SET effective_at = 0 WHERE user_id = (SELECT id FROM users WHERE login = ?)", code);
  await page.reload();
  await expect(page.locator('dd.status')).toHaveText('已生效');
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([[next]]);
  expect(sql("SELECT COUNT(*) FROM sms_messages WHERE mobile = ? AND body LIKE '%已由%更换为%'", owner)).toEqual([['1']]);
});

test('the owner sees a pending change in the workspace and cancels it there', async ({ browser }) => {
  const code = makeEnterprise('南京换号登录取消测试有限公司', '13912340066');
  registryAdd(code, '南京换号登录取消测试有限公司');
  const outsider = await browser.newPage();
  await gotoHydrated(outsider, '/change-phone');
  await outsider.getByLabel('账号(统一社会信用代码)').fill(code);
  await outsider.getByLabel('企业名称').fill('南京换号登录取消测试有限公司');
  await outsider.getByLabel('法定代表人证件号码').fill('11010519491231002X');
  await outsider.getByLabel('新手机号').fill('13912340077');
  await outsider.getByRole('button', { name: '获取验证码' }).click();
  await expect(outsider.getByText('验证码已发送至新手机 139****0077')).toBeVisible();
  await outsider.getByLabel('短信验证码').fill(lastSmsCode('13912340077'));
  await outsider.getByRole('button', { name: '确认更换' }).click();
  await expect(outsider.locator('dd.status')).toHaveText('等待生效(公示期)');

  const owner = await browser.newPage();
  await loginAs(owner, 'enterprise', code);
  const banner = owner.locator('section.phone-change-pending');
  await expect(banner).toContainText('139****0077');
  await banner.getByRole('button', { name: '取消这次更换' }).click();
  await expect(owner.getByRole('status').filter({ hasText: '已取消这次手机号更换' })).toBeVisible();
  await expect(banner).toHaveCount(0);
  await outsider.reload();
  await expect(outsider.locator('dd.status')).toHaveText('已取消');
  expect(sql('SELECT mobile FROM users WHERE login = ?', code)).toEqual([['13912340066']]);
});
