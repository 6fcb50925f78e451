import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { sharedPath } from '../packages/x-sandbox/src/shared-data.ts';
import { signIn } from './helpers.ts';
import { E2E } from './settings.ts';

const shots = 'test-results/screenshots';
/** TWCS slice (CC BY-NC-SA 4.0), read at test time from the shared data folder, never copied. */
const twcs = sharedPath('data', 'twcs', 'twcs_head5000.csv');
const period = '/reports?range=custom&from=2017-10-01&to=2017-12-03';

test.use({ viewport: { width: 1366, height: 900 } });

test.describe('reports screen', () => {
  test.beforeAll(() => {
    // Seed through the history import, into the running desk's database.
    const out = execFileSync('node', ['apps/server/bin/guichet.mjs', 'import', twcs, '--all-brands'], {
      env: {
        ...process.env,
        GUICHET_DATA_DIR: E2E.dataDir,
        GUICHET_ADMIN_EMAIL: E2E.admin.email,
        GUICHET_ADMIN_PASSWORD: E2E.admin.password,
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
    });
    expect(out).toContain('first response median');
  });

  test('shows the imported history beside the benchmarks, in English and French', async ({ page }) => {
    await signIn(page);
    await page.getByTestId('nav-reports').click();
    await expect(page).toHaveURL(/\/reports/);
    await expect(page.getByTestId('report-headlines')).toBeVisible();

    await page.goto(period);
    const median = page.getByTestId('headline-firstResponseMedian');
    await expect(median).toContainText('min');
    await expect(median).toContainText('Brands average about 5.0 h');
    await expect(page.getByTestId('headline-under1h')).toContainText('%');
    await expect(page.getByTestId('report-heatmap')).toBeVisible();
    await expect(page.getByTestId('report-distribution')).toBeVisible();
    await expect(page.getByTestId('report-volume-channel')).toContainText('@ChipotleTweets');
    await expect(page.getByTestId('report-definitions')).toContainText('Needs an answer');

    // CSV export of a table.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export “Per agent” as CSV' }).click();
    expect((await download).suggestedFilename()).toBe('guichet-agents.csv');

    await page.screenshot({ path: `${shots}/reports-en.png`, fullPage: true });
    await page.screenshot({ path: `${shots}/reports-en-top.png` });

    await page.evaluate(() => localStorage.setItem('guichet.language', 'fr'));
    await page.goto(period);
    await expect(page.getByTestId('headline-firstResponseMedian')).toContainText('Première réponse');
    await expect(page.getByTestId('report-definitions')).toContainText('Demande une réponse');
    await page.screenshot({ path: `${shots}/reports-fr.png`, fullPage: true });
    await page.screenshot({ path: `${shots}/reports-fr-top.png` });

    // The printable weekly summary: the app's frame and the controls are left out on paper.
    await page.emulateMedia({ media: 'print' });
    await page.goto('/reports?range=week');
    await expect(page.getByRole('heading', { name: 'Bilan de la semaine' })).toBeVisible();
    await expect(page.getByTestId('report-print')).toBeHidden();
    await page.screenshot({ path: `${shots}/reports-print-fr.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => localStorage.removeItem('guichet.language'));
  });
});
