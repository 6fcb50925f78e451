#!/usr/bin/env node
// Adds up the Vitest and Playwright JSON reports into the one line CI reads: "N passed, N failed".
// A report that is missing (its runner crashed before writing it) counts as one failure.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    console.log(`${file}: no report (the runner did not finish)`);
    failed += 1;
    continue;
  }
  if (typeof report.numPassedTests === 'number') {
    // Vitest
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
    if (report.success === false && report.numFailedTests === 0 && !report.numFailedTestSuites) failed += 1;
  } else if (report.stats) {
    // Playwright
    passed += report.stats.expected + (report.stats.flaky ?? 0);
    failed += report.stats.unexpected;
    if ((report.errors ?? []).length > 0 && report.stats.unexpected === 0) failed += report.errors.length;
  }
}

/** Vitest counts a file that failed to load as a failed suite with no failed test; count it once. */
function countSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && (r.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
