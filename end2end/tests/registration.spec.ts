import { type Page } from '@playwright/test';
import { expect, expectPageErrors, test } from './fixtures';
import { atAccountStep, creditCheckChar, fillOrgStep, freshCreditCode, gotoHydrated, GOOD_ID, lastSmsCode, recordRequests, registryAdd, SAME_ORIGIN, sql } from './helpers';



/** What the server answers for step 1 with these fields, bypassing the browser. */
async function serverFieldErrors(request, fields: Record<string, string>) {
  const res = await request.post('/api/register/org', {
    headers: SAME_ORIGIN,
    form: {
      legal_type: 'enterprise',
      credit_code: '',
      enterprise_name: '南京测试化工有限公司',
      legal_rep_name: '王五',
      id_doc_type: 'resident_id',
      id_doc_number: GOOD_ID,
      ...fields,
    },
  });
  expect(res.ok()).toBe(false);
  const body = await res.json();
  return body.Validation ?? body.Conflict;
}

/// A fresh enterprise, known to the registry, through the first step: its credit code.
async function toAccountStep(page: Page, name = '南京测试化工有限公司'): Promise<string> {
  await gotoHydrated(page, '/register');
  const code = freshCreditCode();
  registryAdd(code, name);
  await fillOrgStep(page, code, name);
  await page.getByRole('button', { name: '下一步' }).click();
  await atAccountStep(page);
  return code;
}

test('a bad credit code is explained in the browser before any request, with the server’s words', async ({ page, request }) => {
  await gotoHydrated(page, '/register');
  const sent = recordRequests(page);
  const code = page.getByLabel('统一社会信用代码');
  await code.fill('91350100M000100YO3');
  await code.blur();
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expect(code).toHaveAccessibleDescription(/第17位的字母“O”.*应是数字“0”/);
  const browserMessage = await page.locator('#f-credit_code-msg .message-text').innerText();
  await expect(page.locator('#f-credit_code-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-credit-code');

  // Typing a fix clears the message at once, still without a request.
  await code.fill('91350100M000100Y4');
  await expect(code).toHaveAccessibleDescription(/应为18位,您输入了17位/);
  await code.fill('91350100M000100Y43');
  await expect(code).not.toHaveAttribute('aria-invalid', 'true');
  expect(sent.map((r) => r.url())).toEqual([]);

  const server = await serverFieldErrors(request, { credit_code: '91350100M000100YO3' });
  expect(server.credit_code).toBe(browserMessage);
});

test('an ID-number message appears before any request and matches the server', async ({ page, request }) => {
  await gotoHydrated(page, '/register');
  const sent = recordRequests(page);
  const id = page.getByLabel('法人证件号码');
  await id.fill('110101199003071234');
  await id.blur();
  await expect(id).toHaveAccessibleDescription(/校验位/);
  const browserMessage = await page.locator('#f-id_doc_number-msg .message-text').innerText();
  await id.fill('11010519900230001X');
  await expect(id).toHaveAccessibleDescription(/不是有效日期/);
  expect(sent).toEqual([]);
  const server = await serverFieldErrors(request, { credit_code: freshCreditCode(), id_doc_number: '110101199003071234' });
  expect(server.id_doc_number).toBe(browserMessage);
});

test('submitting an incomplete form lists every problem with a link, and sends nothing', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const sent = recordRequests(page);
  await page.getByRole('button', { name: '下一步' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link', { name: '统一社会信用代码' })).toHaveAttribute('href', '#f-credit_code');
  await expect(summary.getByRole('link', { name: '法人类型' })).toBeVisible();
  await expect(page.getByLabel('企业名称')).toHaveAttribute('aria-invalid', 'true');
  expect(sent).toEqual([]);
});

test('clicking 下一步 straight from a wrong field submits and shows every message', async ({ page }) => {
  await gotoHydrated(page, '/register');
  await page.getByLabel('法人类型').selectOption({ label: '企业法人' });
  await page.getByLabel('统一社会信用代码').fill('91350211M0000XUF46');
  await page.getByRole('button', { name: '下一步' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary.getByRole('link')).toHaveText(['统一社会信用代码', '企业名称', '法定代表人姓名', '法人证件号码', '住所', '所属地区']);
});

test('a code typed with spaces and full-width characters is accepted in its normalised form', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const code = freshCreditCode();
  registryAdd(code, '南京测试化工有限公司');
  const fullWidth = [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
  await fillOrgStep(page, ` ${fullWidth.slice(0, 6)} ${fullWidth.slice(6).toLowerCase()} `);
  await expect(page.getByText(`将按“${code}”提交`)).toBeVisible();
  await page.getByRole('button', { name: '下一步' }).click();
  await atAccountStep(page);
  await expect(page.getByText(`(${code})`)).toBeVisible();
  expect(sql('SELECT credit_code, org_accepted FROM registration_drafts WHERE credit_code = ?', code)).toEqual([[code, '1']]);
});

test('a good registration is stored, survives a reload and ends pending verification', async ({ page }) => {
  const code = await toAccountStep(page, '南京保存测试化工有限公司');
  await expect(page.getByText(`(${code})`)).toBeVisible();
  expect(page.url()).toMatch(/\/register$/);

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByText(`南京保存测试化工有限公司(${code})`)).toBeVisible();
  await expect(page.locator('[aria-current=step]')).toContainText('经办人与密码');
  await expect(page.locator('.steps li.done')).toHaveText([/机构信息/]);
  await expect(page.getByText('机构信息已通过登记机关核验')).toBeVisible();
  // 修改机构信息 goes back with everything kept, and 下一步 comes back here.
  await page.getByRole('link', { name: '修改机构信息' }).click();
  await expect(page.getByLabel('企业名称')).toHaveValue('南京保存测试化工有限公司');
  await expect(page.locator('[aria-current=step]')).toContainText('机构信息');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('button', { name: '下一步' }).click();
  await atAccountStep(page);

  await page.getByLabel('经办人姓名').fill('赵六');
  await expect(page.getByText('忘记密码,也要通过此手机号')).toBeVisible();
  await page.getByLabel('经办人手机号').fill('+86 139 1234 5678');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至 139****5678')).toBeVisible();
  await page.getByLabel('短信验证码').fill(lastSmsCode('13912345678'));
  // Every character but # * / works, also those that break URLs.
  const password = 'Hx7%&+?=中文ab';
  await page.getByLabel('设置密码').fill(password);
  await page.getByLabel('确认密码').fill(password);
  await page.getByRole('button', { name: '提交注册' }).click();
  await expect(page.getByRole('heading', { name: '注册成功' })).toBeVisible();
  await expect(page.locator('.account')).toHaveText(code);
  await expect(page.getByText('139****5678').first()).toBeVisible();

  const rows = sql(
    "SELECT e.name, u.status, u.mobile, substr(u.password_hash, 1, 10) FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.credit_code = ?",
    code,
  );
  expect(rows).toEqual([['南京保存测试化工有限公司', 'active', '13912345678', '$argon2id$']]);
  await page.reload();
  await expect(page.getByRole('heading', { name: '注册成功' })).toBeVisible();

  // Registered and verified: the new account logs in at once.
  await page.getByRole('link', { name: '登录', exact: true }).last().click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toHaveText('南京保存测试化工有限公司');
});

test('the password checklist updates live and forbidden characters are refused before sending', async ({ page, request }) => {
  const code = await toAccountStep(page);
  await expect(page.getByLabel('设置密码')).toBeVisible();
  const sent = recordRequests(page);
  const pw = page.getByLabel('设置密码');
  // Nothing typed yet: no rule shows as met.
  await expect(page.locator('.password-rules li[data-met=true]')).toHaveCount(0);
  await expect(page.locator('.password-rules li')).not.toHaveCount(0);
  await pw.fill('Abc*defg1');
  const rule = page.locator('.password-rules li', { hasText: '不含以下符号:# * /' });
  await expect(rule).toHaveAttribute('data-met', 'false');
  await pw.blur();
  await expect(pw).toHaveAccessibleDescription(/密码须满足:不含以下符号:# \* \//);
  const browserMessage = await page.locator('#f-password-msg .message-text').innerText();
  await pw.fill('Abc-defg1');
  await expect(rule).toHaveAttribute('data-met', 'true');
  await expect(pw).not.toHaveAttribute('aria-invalid', 'true');
  expect(sent).toEqual([]);

  // The server says the same for the same password (a direct POST with the draft cookie).
  const cookies = await page.context().cookies();
  const res = await request.post('/api/register/account', {
    headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '), ...SAME_ORIGIN },
    form: { handler_name: '赵六', handler_mobile: '13912345678', sms_code: '123456', password: 'Abc*defg1', password_confirm: 'Abc*defg1' },
  });
  expect(res.ok()).toBe(false);
  expect((await res.json()).Validation.password).toBe(browserMessage);
  expect(sql('SELECT COUNT(*) FROM enterprises WHERE credit_code = ?', code)).toEqual([['0']]);
});

test('a direct POST that bypasses the browser is refused and nothing is stored', async ({ request }) => {
  const errors = await serverFieldErrors(request, { credit_code: '91320102MA1XYR7KI1', enterprise_name: '' });
  expect(errors.credit_code).toContain('第17位的字母“I”');
  expect(errors.enterprise_name).toContain('请输入企业名称');
  // Only this code's rows: other tests register in parallel.
  const stored = "SELECT COUNT(*) FROM registration_drafts WHERE org_accepted = 1 AND credit_code LIKE ?";
  expect(sql(stored, '%MA1XYR7KI1%')[0][0]).toBe('0');
});

test('an already registered code says so at the field (已被注册)', async ({ page }) => {
  await gotoHydrated(page, '/register');
  await fillOrgStep(page, '91320102 MA1XYR7K61');
  await page.getByRole('button', { name: '下一步' }).click();
  const code = page.getByRole('textbox', { name: '统一社会信用代码' });
  await expect(code).toHaveAccessibleDescription(/已被注册.*登录账号就是统一社会信用代码.*忘记密码/);
  await expect(code).toHaveValue('91320102 MA1XYR7K61');
  await expect(page.getByRole('link', { name: '去登录' })).toHaveAttribute('href', '/login');
  await expect(page.locator('#f-credit_code-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-already-registered');
  await expect(page.getByRole('link', { name: '忘记密码?找回' })).toHaveAttribute('href', '/forgot-password?account=91320102MA1XYR7K61');
  await expect(page.getByLabel('企业名称')).toHaveValue('南京测试化工有限公司');
});

test('a failing check character offers manual review without losing anything', async ({ page }) => {
  await gotoHydrated(page, '/register');
  await fillOrgStep(page, '91350211M0000XUF46');
  const code = page.getByLabel('统一社会信用代码');
  await code.blur();
  await expect(code).toHaveAccessibleDescription(/校验位.*其它\(人工审核\)/);
  await page.getByRole('button', { name: /改为“其它\(人工审核\)”注册/ }).click();
  await expect(page.getByLabel('法人类型')).toHaveValue('manual_review');
  await expect(code).not.toHaveAttribute('aria-invalid', 'true');
  await expect(code).toHaveValue('91350211M0000XUF46');
  await expect(page.getByLabel('企业名称')).toHaveValue('南京测试化工有限公司');
});

test('a registry mismatch is reported at its field in the national wording, with the manual path offered', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const code = freshCreditCode();
  registryAdd(code, '南京登记名称化工有限公司');
  await fillOrgStep(page, code, '南京另一个名称化工有限公司');
  await page.getByRole('button', { name: '下一步' }).click();
  const name = page.getByRole('textbox', { name: '企业名称' });
  await expect(name).toHaveAccessibleDescription(/^验证失败,输入的企业名称与库中匹配失败。请填写营业执照上的完整名称/);
  await expect(page.locator('.verification-offer')).toContainText('转人工审核');
  await name.fill('南京登记名称化工有限公司');
  await page.getByRole('button', { name: '下一步' }).click();
  await atAccountStep(page);
  await expect(page.getByText('机构信息已通过登记机关核验')).toBeVisible();
});

test('each registry answer of the national FAQ appears at its own field', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const unknown = freshCreditCode();
  await fillOrgStep(page, unknown, '南京未登记化工有限公司');
  await page.getByRole('button', { name: '下一步' }).click();
  const code = page.getByRole('textbox', { name: '统一社会信用代码' });
  await expect(code).toHaveAccessibleDescription(/^验证失败,根据统一社会信用代码未查询到信息。/);
  await expect(page.locator('#f-credit_code-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-registry-mismatch');

  const known = freshCreditCode();
  registryAdd(known, '南京已登记化工有限公司', '李四', '440524188001010014');
  await code.fill(known);
  await page.getByLabel('企业名称').fill('南京已登记化工有限公司');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByRole('textbox', { name: '法定代表人姓名' })).toHaveAccessibleDescription(/^机构信息认证失败,请输入准确的机构信息/);
  await expect(page.getByRole('textbox', { name: '法人证件号码' })).toHaveAccessibleDescription(/^验证失败,法人证件号码与库中匹配失败/);
  for (const field of ['legal_rep_name', 'id_doc_number']) {
    await expect(page.locator(`#f-${field}-msg`).getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-registry-mismatch');
  }
  await expect(code).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.verification-offer')).toContainText('转人工审核');
});

test('when the registry times out, manual review takes everything already typed', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const code = freshCreditCode();
  registryAdd(code, '南京超时测试化工有限公司', '王五', '11010519491231002X', 'timeout');
  await fillOrgStep(page, code, '南京超时测试化工有限公司');
  await page.getByRole('button', { name: '下一步' }).click();
  const offer = page.locator('.verification-offer');
  await expect(offer).toContainText('调用第三方服务超时');
  await expect(offer).toContainText('您填写的内容都已保留');
  await expect(offer.getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-registry-timeout');
  await expect(page.getByLabel('法人类型')).toHaveValue('enterprise');
  await expect(page.getByLabel('企业名称')).toHaveValue('南京超时测试化工有限公司');

  await offer.getByRole('button', { name: '转人工审核(已填内容保留)' }).click();
  await atAccountStep(page);
  await expect(page.getByText('机构信息将由管理员人工审核(一个工作日内)')).toBeVisible();
  await expect(page.getByText(`南京超时测试化工有限公司(${code})`)).toBeVisible();
  await page.getByLabel('经办人姓名').fill('赵六');
  await page.getByLabel('经办人手机号').fill('13912340088');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至 139****0088')).toBeVisible();
  await page.getByLabel('短信验证码').fill(lastSmsCode('13912340088'));
  await page.getByLabel('设置密码').fill('Manual-Pass-2026');
  await page.getByLabel('确认密码').fill('Manual-Pass-2026');
  await page.getByRole('button', { name: '提交注册' }).click();
  await expect(page.getByRole('heading', { name: '注册申请已提交人工审核' })).toBeVisible();
  expect(sql('SELECT e.legal_type, u.status FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.credit_code = ?', code))
    .toEqual([['enterprise', 'pending_review']]);

  await gotoHydrated(page, '/login');
  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  await page.getByLabel('密码').fill('Manual-Pass-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('textbox', { name: '账号(统一社会信用代码)' })).toHaveAccessibleDescription(/正在人工审核中.*客服/);
  await expect(page.locator('#f-account-msg').getByRole('link', { name: '查看帮助' })).toHaveAttribute('href', '/help/faq-manual-review');
});

test('a wrong SMS code is explained at its field and nothing is created', async ({ page }) => {
  const code = await toAccountStep(page);
  await page.getByLabel('经办人姓名').fill('赵六');
  await page.getByLabel('经办人手机号').fill('13912340099');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText('验证码已发送至 139****0099')).toBeVisible();
  const right = lastSmsCode('13912340099');
  const sms = page.getByLabel('短信验证码');
  await sms.fill(right === '000000' ? '111111' : '000000');
  await page.getByLabel('设置密码').fill('Sms-Pass-2026');
  await page.getByLabel('确认密码').fill('Sms-Pass-2026');
  await page.getByRole('button', { name: '提交注册' }).click();
  await expect(sms).toHaveAccessibleDescription(/验证码不正确,还可再试4次/);
  expect(sql('SELECT COUNT(*) FROM enterprises WHERE credit_code = ?', code)).toEqual([['0']]);
});

test('asking for a code again says exactly what happened and counts down, never as an error', async ({ page }) => {
  const code = await toAccountStep(page, '南京倒计时化工有限公司');
  await page.getByLabel('经办人姓名').fill('赵六');
  await page.getByLabel('经办人手机号').fill('13912340111');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '验证码已发送至 139****0111' })).toBeVisible();
  const button = page.getByRole('button', { name: /秒后可重新获取/ });
  await expect(button).toBeDisabled();
  // After a reload the button works again, and the server says the last code still holds.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('经办人手机号').fill('13912340111');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '没有发送新的验证码' })).toContainText('139****0111');
  await expect(page.locator('.field-error')).toHaveCount(0);
  await expect(page.locator('.error-summary')).toHaveCount(0);
  await expect(button).toBeDisabled();
  expect(sql("SELECT COUNT(*) FROM sms_messages WHERE mobile = '13912340111'")).toEqual([['1']]);
});

test('所属地区 shows only what was picked: a new province or city clears the levels below', async ({ page }) => {
  await gotoHydrated(page, '/register');
  const province = page.getByLabel('省份');
  const city = page.getByLabel('城市');
  const county = page.getByLabel('区县');
  await province.selectOption({ label: '江苏省' });
  await city.selectOption({ label: '南京市' });
  await county.selectOption({ label: '玄武区' });
  await province.selectOption({ label: '海南省' });
  await expect(city).toHaveValue('');
  await expect(city.locator('option:checked')).toHaveText('请选择城市');
  await expect(county).toHaveValue('');
  await expect(city.locator('option', { hasText: '海口市' })).toHaveCount(1);
  await city.selectOption({ label: '海口市' });
  await expect(county).toHaveValue('');
  await expect(county.locator('option:checked')).toHaveText('请选择区县');
  await province.selectOption({ label: '江苏省' });
  await expect(city).toHaveValue('');
  await city.selectOption({ label: '南京市' });
  await county.selectOption({ label: '秦淮区' });
  await expect(county.locator('option:checked')).toHaveText('秦淮区');
  await expect(page.locator('#f-region_code-msg')).toHaveCount(0);
});

test('the check character generator agrees with the worked example of GB 32100', () => {
  expect(creditCheckChar('91350100M000100Y4')).toBe('3');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the form still works: server messages at the fields, typed values kept', async ({ page }) => {
    await page.goto('/register');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
    const code = freshCreditCode();
    registryAdd(code, '南京无脚本化工有限公司');
    // Without JavaScript the 城市 and 区县 lists come with the next page.
    await fillOrgStep(page, code.slice(0, 17) + (code[17] === '0' ? '1' : '0'), '南京无脚本化工有限公司', '企业法人', false);
    await page.getByRole('button', { name: '下一步' }).click();
    const field = page.getByLabel('统一社会信用代码');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(/校验位/);
    await expect(page.getByLabel('企业名称')).toHaveValue('南京无脚本化工有限公司');
    await expect(page.locator('#f-region_code-msg')).toHaveText(/请继续选择城市和区县/);
    await expect(page.locator('.error-summary')).toBeVisible();

    await field.fill(code);
    await page.getByLabel('城市').selectOption({ label: '南京市' });
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.locator('#f-region_code-msg')).toHaveText(/请继续选择区县/);
    await page.getByLabel('区县').selectOption({ label: '玄武区' });
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByText(`南京无脚本化工有限公司(${code})`)).toBeVisible();
    expect(page.url()).not.toContain('__err');
  });
});

test.describe('with the wasm blocked', () => {
  test('nothing is checked in the browser (the checks above really are wasm)', async ({ page }) => {
    expectPageErrors(/ERR_FAILED|Failed to fetch/, 'the test blocks the wasm download itself');
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto('/register');
    const code = page.getByLabel('统一社会信用代码');
    await code.fill('91350100M000100YO3');
    await code.blur();
    await page.waitForTimeout(500);
    await expect(code).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'false');
  });
});
