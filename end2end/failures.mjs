// Prints each failed test of the last run (test-results/results.json, the
// JSON reporter's file) with the start of its error: scripts/test calls it
// last when a run fails, so the reason is at the end of a long CI log.
import { readFileSync } from 'node:fs';

const file = new URL('./test-results/results.json', import.meta.url);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`(no Playwright results to summarise: ${e.message})`);
  process.exit(0);
}
const strip = (s) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const failed = [];
const walk = (suite, path) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      const last = test.results?.[test.results.length - 1];
      if (last && last.status !== 'passed' && last.status !== 'skipped') {
        failed.push({ title: [...path, spec.title].join(' › '), line: `${spec.file}:${spec.line}`, result: last });
      }
    }
  }
  for (const child of suite.suites ?? []) walk(child, suite.title ? [...path, suite.title] : path);
};
for (const s of report.suites ?? []) walk(s, []);
console.error(`\n== ${failed.length} failed end-to-end test(s):`);
for (const f of failed) {
  console.error(`\n-- ${f.line} ${f.title} (${f.result.status}, ${f.result.duration} ms)`);
  for (const err of f.result.errors ?? [f.result.error].filter(Boolean)) {
    console.error(strip(err.message ?? err.value ?? '').split('\n').slice(0, 25).join('\n'));
    const at = strip(err.stack ?? '').split('\n').find((l) => l.includes('.spec.ts:'));
    if (at) console.error(at.trim());
  }
}
