import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

/**
 * The reports screens over a month of simulated traffic (F24–F26): SLA compliance and its daily trend,
 * per team, X spend against budget, the outage and its cases, customer satisfaction; the survey settings.
 */
test.use({ viewport: { width: 1366, height: 900 } });

async function section(page: Page, testId: string, file: string) {
  const block = page.getByTestId(testId);
  await block.scrollIntoViewIfNeeded();
  await block.screenshot({ path: `${shots}/${file}` });
}

test.describe('reports over a month of traffic', () => {
  test.beforeAll(() => {
    const out = execFileSync('node', ['--import', 'tsx', 'e2e/seed-month.ts', E2E.dataDir], { encoding: 'utf8' });
    expect(out).toMatch(/Seeded \d+ cases over 31 days/);
  });

  test('shows SLA, teams, spend, incidents and satisfaction in English and French', async ({ page }) => {
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    await page.goto('/reports?range=month');
    await expect(page.getByTestId('headline-slaCompliance')).toContainText('%');
    await expect(page.getByTestId('headline-firstResponseBusinessMedian')).toContainText(/min|h/);
    await expect(page.getByTestId('report-sla')).toContainText('First response');
    await expect(page.getByTestId('report-sla-trend')).toBeVisible();
    await expect(page.getByTestId('report-teams')).toContainText('Jour');
    await expect(page.getByTestId('report-teams')).toContainText('Soir');
    await expect(page.getByTestId('report-spend')).toContainText('@acme_sav');
    await expect(page.getByTestId('report-spend')).toContainText('$');
    await expect(page.getByTestId('report-incidents')).toContainText('Panne du paiement en ligne');
    await expect(page.getByTestId('satisfaction-average')).toContainText('/ 5');
    // A customer's comment is shown as they wrote it, as text.
    await expect(page.getByTestId('satisfaction-comments')).toContainText('<script>alert("x")</script>');
    await expect(page.getByTestId('report-definitions')).toContainText('SLA compliance');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export “Per team” as CSV' }).click();
    expect((await download).suggestedFilename()).toBe('guichet-teams.csv');

    await page.screenshot({ path: `${shots}/reports-month-en.png`, fullPage: true });
    await section(page, 'report-headlines', 'reports-month-en-headlines.png');
    await section(page, 'report-sla-daily', 'reports-month-en-sla-trend.png');
    await section(page, 'report-satisfaction', 'reports-month-en-satisfaction.png');
    await section(page, 'report-teams', 'reports-month-en-teams.png');

    await page.evaluate(() => localStorage.setItem('guichet.language', 'fr'));
    await page.goto('/reports?range=month');
    await expect(page.getByTestId('report-sla')).toContainText('Première réponse');
    await expect(page.getByTestId('report-satisfaction')).toContainText('Satisfaction client');
    await expect(page.getByTestId('report-definitions')).toContainText('Respect des délais');
    await page.screenshot({ path: `${shots}/reports-month-fr.png`, fullPage: true });
    await section(page, 'report-headlines', 'reports-month-fr-headlines.png');
    await section(page, 'report-satisfaction', 'reports-month-fr-satisfaction.png');
    await section(page, 'report-spend', 'reports-month-fr-spend.png');
    await page.evaluate(() => localStorage.removeItem('guichet.language'));
  });

  test('forecasts the agents needed per hour beside the rota, in English and French', async ({ page }) => {
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    await page.goto('/reports?range=month');
    await page.getByTestId('report-staffing').click();
    await expect(page).toHaveURL(/\/staffing/);
    await expect(page.getByTestId('staffing-summary')).toContainText('Handling time measured from');
    await expect(page.getByTestId('staffing-heatmap')).toContainText('Mon');
    await page.screenshot({ path: `${shots}/staffing-en.png`, fullPage: true });
    await page.getByText('95 %').click();
    await expect(page.getByTestId('staffing-summary')).toContainText('95 %');

    await page.evaluate(() => localStorage.setItem('guichet.language', 'fr'));
    await page.goto('/staffing');
    await expect(page.getByTestId('staffing-summary')).toContainText('Temps de traitement mesuré');
    await page.screenshot({ path: `${shots}/staffing-fr.png`, fullPage: true });
    await page.evaluate(() => localStorage.removeItem('guichet.language'));
  });

  test('switches the satisfaction survey on, in English and French', async ({ page }) => {
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    await page.goto('/surveys');
    await expect(page.getByRole('heading', { name: 'Satisfaction survey' })).toBeVisible();
    await expect(page.getByTestId('survey-template-fr')).toHaveValue(/de 1 \(mauvaise\) à 5/);
    await page.getByTestId('survey-enabled').click();
    await page.getByTestId('survey-save').click();
    await expect(page.getByTestId('survey-saved')).toBeVisible();
    await page.screenshot({ path: `${shots}/surveys-en.png`, fullPage: true });
    await page.reload();
    await expect(page.getByTestId('survey-enabled')).toBeChecked();

    await page.evaluate(() => localStorage.setItem('guichet.language', 'fr'));
    await page.goto('/surveys');
    await expect(page.getByRole('heading', { name: 'Enquête de satisfaction' })).toBeVisible();
    await page.screenshot({ path: `${shots}/surveys-fr.png`, fullPage: true });
    await page.evaluate(() => localStorage.removeItem('guichet.language'));
  });
});
