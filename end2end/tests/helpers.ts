import { expect, type Page, type Request } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';

/**
 * The Origin every page of this system sends with a POST: direct requests
 * made by a test (as a script bypassing the browser's checks would) carry it
 * too, or the server's cross-site check refuses them before anything else.
 */
export const SAME_ORIGIN = { Origin: process.env.BASE_URL ?? 'http://127.0.0.1:3000' };

/** Opens `path` and waits until the page is hydrated (its handlers are live). */
export async function gotoHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** The step of 完善信息 the page shows (`/info` is 基础信息). */
function infoStep(url: string): string {
  return new URL(url).searchParams.get('step') ?? 'basic';
}

/**
 * 保存并下一步 on a step without problems: each step is a page of its own,
 * so this waits until the next one is open and live.
 */
export async function saveAndNext(page: Page) {
  const from = infoStep(page.url());
  await page.getByRole('button', { name: '保存并下一步' }).click();
  await page.waitForURL((u) => infoStep(u.toString()) !== from);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Opens a step of 完善信息 by its link in the step list (e.g. '1 基础信息'). */
export async function openStep(page: Page, link: string, step: string) {
  await page.getByRole('navigation', { name: '完善信息步骤' }).getByRole('link', { name: link }).click();
  await page.waitForURL((u) => infoStep(u.toString()) === step);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** Records every request the page sends from now on. */
export function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}

/**
 * Runs a query against the end-to-end database and returns its rows: SQLite
 * (`WHP_E2E_DB`) or PostgreSQL (`WHP_E2E_PG`, the main flows' second run).
 */
export function sql(query: string, ...params: string[]): string[][] {
  const bound = params.reduce((q, p) => q.replace('?', `'${p.replace(/'/g, "''")}'`), query);
  const pg = process.env.WHP_E2E_PG;
  const db = process.env.WHP_E2E_DB;
  let out: string;
  if (pg) {
    out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', pg, '-c', bound], { encoding: 'utf8' });
  } else if (db) {
    out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-separator', '\t', db, bound], { encoding: 'utf8' });
  } else {
    throw new Error('WHP_E2E_DB (or WHP_E2E_PG) is not set: run the suite through scripts/test');
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

// GB 32100-2015, implemented independently of the Rust code under test.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCheckChar(first17: string): string {
  const sum = [...first17].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** A fresh valid 91 (enterprise) code in Nanjing with a valid embedded organisation code. */
export function freshCreditCode(): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 8; i++) body += '0123456789ABCDEFGHJKLMNPQRTUWXY'[Math.floor(Math.random() * 31)];
    const ow = [3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...body].reduce((s, c, i) => s + parseInt(c, 36) * ow[i], 0);
    const r = 11 - (sum % 11);
    const org = r === 10 ? 'X' : r === 11 ? '0' : String(r);
    const first17 = `91320102${body}${org}`;
    if ([...first17].every((c) => ALPHABET.includes(c))) return first17 + creditCheckChar(first17);
  }
}

/** Puts an enterprise in the built-in registry (as an operator's CSV import would). */
export function registryAdd(code: string, name: string, rep = '王五', id = '11010519491231002X', simulate = '') {
  sql(
    'INSERT INTO registry_entries (credit_code, name, legal_rep_name, id_number, simulate, imported_at) VALUES (?, ?, ?, ?, ?, 0)',
    code, name, rep, id, simulate,
  );
}

/** The newest SMS code the built-in gateway sent to `mobile`. */
export function lastSmsCode(mobile: string): string {
  const rows = sql('SELECT body FROM sms_messages WHERE mobile = ? ORDER BY id DESC LIMIT 1', mobile);
  const code = rows[0]?.[0]?.match(/验证码是(\d{6})/)?.[1];
  if (!code) throw new Error(`no SMS code sent to ${mobile}`);
  return code;
}

export const GOOD_ID = '11010519491231002X';

/** Fills registration step 1 as on a business licence in 南京市玄武区 (`region` false: province only). */
export async function fillOrgStep(page: Page, code: string, name = '南京测试化工有限公司', legalType = '企业法人', region = true) {
  await page.getByLabel('法人类型').selectOption({ label: legalType });
  await page.getByLabel('统一社会信用代码').fill(code);
  await page.getByLabel('企业名称').fill(name);
  await page.getByLabel('法定代表人姓名').fill('王五');
  await page.getByLabel('法人证件类型').selectOption({ label: '居民身份证' });
  await page.getByLabel('法人证件号码').fill(GOOD_ID);
  await page.getByLabel('住所').fill('南京市玄武区北京东路1号');
  await page.getByLabel('省份').selectOption({ label: '江苏省' });
  if (region) {
    await page.getByLabel('城市').selectOption({ label: '南京市' });
    await page.getByLabel('区县').selectOption({ label: '玄武区' });
  }
}

export const DEMO_PASSWORD = 'Demo-Pass-2026';

/**
 * An active enterprise account in 南京市玄武区 that no other test touches,
 * with the demo password (its hash is copied from a demo account).
 */
export function makeEnterprise(name: string, mobile = '13900000000'): string {
  const code = freshCreditCode();
  sql(
    "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, address, created_at) VALUES (?, ?, 'enterprise', '王五', 'resident_id', ?, '320102', '南京市玄武区北京东路1号', 0)",
    code, name, GOOD_ID,
  );
  sql(
    "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at) SELECT 'enterprise', ?, '经办人', (SELECT id FROM enterprises WHERE credit_code = ?), ?, password_hash, 'active', 0 FROM users WHERE login = 'admin'",
    code, code, mobile,
  );
  return code;
}

/**
 * A staff account of its own, copied from the demo account `template` (same
 * organisation, password and authenticator secret). Each time step of the
 * second factor is accepted once per account, so tests that share one demo
 * regulator wait for each other's codes; a copy never waits.
 */
export function makeRegulator(template = 'nj-xuanwu'): string {
  const login = `e2e-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  sql(
    "INSERT INTO users (kind, login, display_name, organization_id, password_hash, status, created_at, totp_secret) SELECT kind, ?, display_name, organization_id, password_hash, 'active', 0, totp_secret FROM users WHERE login = ?",
    login, template,
  );
  return login;
}

/** Fills and sends the login form on the given tab (the outcome is the caller's to check). */
export async function submitLogin(page: Page, tab: 'enterprise' | 'regulator', account: string, password = DEMO_PASSWORD) {
  await gotoHydrated(page, tab === 'regulator' ? '/login?tab=regulator' : '/login');
  await page.getByLabel(tab === 'regulator' ? '用户名' : '账号(统一社会信用代码)').fill(account);
  await page.getByLabel('密码', { exact: true }).fill(password);
  if (tab === 'regulator') await page.getByLabel('动态验证码(身份验证器App)').fill(nextTotpCode(account));
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * A TOTP code of the demo secret that `account` has not used yet: each time
 * step is accepted once per account, and parallel tests log in as the same
 * demo regulators, so this waits for a fresh step when the current one is used.
 */
export function nextTotpCode(account: string): string {
  for (;;) {
    const step = Math.floor(Date.now() / 1000 / 30);
    const used = Number(sql('SELECT totp_last_step FROM users WHERE login = ? AND kind IN (\'regulator\', \'admin\')', account)[0]?.[0] ?? 0);
    // The current step, or the next one (accepted as clock drift), if still unused.
    for (const s of [step, step + 1]) if (s > used) return totpCode(DEMO_TOTP_SECRET, s);
    execFileSync('sleep', ['1']);
  }
}

/**
 * Logs in on the given tab and waits for the workspace. A parallel test may
 * have used the same second-factor code a moment ago: then it tries again.
 */
export async function loginAs(page: Page, tab: 'enterprise' | 'regulator', account: string, password = DEMO_PASSWORD) {
  for (let attempt = 0; ; attempt++) {
    await submitLogin(page, tab, account, password);
    const inside = page.locator('.belongs-to');
    const replayed = page.locator('.message-text', { hasText: '这个动态码刚刚用过' });
    await expect(inside.or(replayed).first()).toBeVisible();
    if (await inside.isVisible()) {
      // Logging in is a page load (islands: the server redirects): what the
      // test does next must meet the hydrated page, not its inert HTML.
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      return;
    }
    if (attempt >= 3) throw new Error(`cannot log in as ${account}: the TOTP code was used`);
  }
}

/**
 * The demo regulators' and administrator's TOTP secret (seed-demo enrols them with it),
 * and RFC 6238 codes for it, computed independently of the Rust code under test.
 */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totpCode(secret: string, step = Math.floor(Date.now() / 1000 / 30)): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/**
 * On the /account/totp page after a first login: reads the secret shown for
 * typing in by hand, confirms with its code, checks the recovery codes and
 * goes on to the workspace. Returns the secret.
 */
export async function enrolTotp(page: Page, password: string): Promise<string> {
  await expect(page).toHaveURL(/\/account\/totp\?first=1$/);
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('img', { name: '绑定二维码' }).locator('svg')).toBeVisible();
  const secret = (await page.locator('.totp-secret').innerText()).trim();
  await page.getByLabel('当前密码').fill(password);
  await page.getByLabel('动态码').fill(totpCode(secret));
  await page.getByRole('button', { name: '完成绑定' }).click();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await page.getByRole('link', { name: '我已保存,进入工作台' }).click();
  return secret;
}

/**
 * A licence's dates relative to today in China (the server's calendar):
 * issued on the 15th of this month last year, valid three years, so that
 * it is neither expired nor due for renewal whenever the suite runs.
 */
export function licenceDates(): { issued: string; until: string } {
  const [y, m] = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7).split('-');
  return { issued: `${Number(y) - 1}-${m}-15`, until: `${Number(y) + 2}-${m}-14` };
}

/** Saves a complete record (basics, storage, one licence) as the logged-in enterprise's draft. */
export async function completeViaApi(page: Page) {
  const mine = await (await page.request.post('/api/info/mine', { headers: { Accept: 'application/json', ...SAME_ORIGIN } })).json();
  const { issued, until } = licenceDates();
  const record = {
    ...mine.draft,
    principal_name: '李强', principal_mobile: '13912345678', safety_name: '王芳', safety_mobile: '13812345678',
    business_address: '南京市玄武区北京东路1号', storage_address: '南京市江北新区化工园1号', region_code: '320102',
    economic_type: '有限责任公司', fuel_station: 'no', has_storage: 'yes', major_hazard: 'no', business_mode: 'storage',
    multi_licence: 'no',
    licences: [{
      number: '苏(宁)危化经字〔2024〕000301', issuer: '南京市应急管理局', issued_on: issued, valid_until: until,
      mode: 'storage', scope: [{ name: '硫酸', cas: '7664-93-9', stored: true }],
      business_address: '南京市玄武区北京东路1号', storage_address: '南京市江北新区化工园1号',
    }],
  };
  const res = await page.request.post('/api/info/save', {
    data: { step: 'licences', record, base_version: mine.version },
    headers: { Accept: 'application/json', ...SAME_ORIGIN },
  });
  expect(res.status()).toBe(200);
}

/** The path of the last invitation or reset link sent to `mobile` (from the SMS outbox). */
export function teamLink(mobile: string): string {
  const body = sql("SELECT body FROM sms_messages WHERE mobile = ? AND purpose = 'team_link' ORDER BY id DESC LIMIT 1", mobile)[0][0];
  const url = new URL(body.match(/https?:\/\/\S+/)![0]);
  return url.pathname + url.search;
}

/** Logs a team member in (credit code, mobile or user name, password) and waits for the workspace. */
export async function loginMember(page: Page, code: string, member: string, password: string) {
  await gotoHydrated(page, '/login');
  await page.getByLabel('账号(统一社会信用代码)').fill(code);
  await page.getByLabel('手机号或用户名(选填)').fill(member);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.belongs-to')).toBeVisible();
}

/** Every page an outsider can open, and every page of each role (hydration and accessibility checks). */
export const PUBLIC_PAGES = ['/', '/help', '/help/search?q=密码', '/help/faq-sms-code', '/help/faq-sms-code/history', '/login', '/login?tab=regulator', '/register', '/forgot-password', '/change-phone', '/verify/' + '0'.repeat(64), '/team/link?t=' + '0'.repeat(64), '/lookup', '/lookup?q=鼓楼示例', '/publicity', '/publicity?days=90&issuer=0&gp=1&cp=1', '/notices', '/notices/1', '/notices/new', '/no-such-page'];
export const ROLE_PAGES: { tab: 'enterprise' | 'regulator'; login: string; pages: string[] }[] = [
  { tab: 'enterprise', login: '92440106MA59QK2T0A', pages: ['/workspace', '/info', '/info?step=mode', '/info?step=licences', '/info?step=submit', '/licences', '/team', '/messages', '/account', '/account/password', '/account/totp', '/help'] },
  { tab: 'regulator', login: 'nj-city', pages: ['/workspace', '/dashboard', '/dashboard?region=320115', '/maintenance', '/maintenance/91320102MA1XYR7K61', '/maintenance/91320102MA1XYR7K61/propose', '/review', '/cases', '/cases/1', '/cases?step=accepted', '/reports/annual', '/messages', '/account', '/account/password', '/help', '/notices', '/notices/new', '/notices/2/edit'] },
  { tab: 'regulator', login: 'admin', pages: ['/workspace', '/dashboard', '/admin/users', '/admin/issuers', '/review', '/maintenance', '/help/faq-sms-code/edit', '/reports/annual', '/messages', '/help', '/notices/1/edit'] },
];

/** 企业注册 moved on (下一步 or 转人工审核): the page loads again at 经办人与密码; waits until it is live. */
export async function atAccountStep(page: Page) {
  await expect(page.locator('[aria-current=step]')).toContainText('经办人与密码');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}
