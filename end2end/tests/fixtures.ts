import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

/**
 * Console errors a test may cause on purpose, each with the reason. Nothing
 * else a page logs as an error, and no uncaught exception, is tolerated.
 */
const ALLOWED_CONSOLE_ERRORS: { pattern: RegExp; why: string }[] = [
  {
    pattern: /Failed to load resource: the server responded with a status of 4\d\d/,
    why: 'tests provoke refusals (403, 404, 409, 422, 429) that the page then shows at the field; Chromium logs each response',
  },
];

/**
 * Declares, inside one test, errors that test causes on purpose (e.g. by
 * blocking the wasm): `expectPageErrors(/Failed to fetch/, 'why')`.
 */
export function expectPageErrors(pattern: RegExp, why: string) {
  base.info().annotations.push({ type: 'expected-page-error', description: `${pattern.source}\u0000${why}` });
}

function declared(): RegExp[] {
  return base
    .info()
    .annotations.filter((a) => a.type === 'expected-page-error' && a.description)
    .map((a) => new RegExp((a.description as string).split('\u0000')[0]));
}

function watch(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`uncaught exception on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (ALLOWED_CONSOLE_ERRORS.some((a) => a.pattern.test(text))) return;
    problems.push(`console error on ${page.url()}: ${text}`);
  });
}

function watchContext(context: BrowserContext, problems: string[]) {
  context.pages().forEach((p) => watch(p, problems));
  context.on('page', (p) => watch(p, problems));
}

/**
 * Playwright's `test`, failing every test whose pages throw or log a console
 * error, in its own page and in every context it opens.
 */
export const test = base.extend<{ failOnPageErrors: void }>({
  failOnPageErrors: [
    async ({ browser, context }, use) => {
      const problems: string[] = [];
      watchContext(context, problems);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<typeof newContext>) => {
        const c = await newContext(...args);
        watchContext(c, problems);
        return c;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      const expected = declared();
      const unexpected = problems.filter((p) => !expected.some((r) => r.test(p)));
      expect(unexpected, 'pages threw or logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
