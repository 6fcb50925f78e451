import { expect, test } from '@playwright/test';
import { customerPosts, shots, signIn } from './helpers.ts';

const day = [{ start: '09:00', end: '18:00' }];
const hours = {
  timeZone: 'Europe/Paris',
  week: [day, day, day, day, day, [], []],
  holidays: [
    { date: '2026-12-25', name: 'Noël' },
    { date: '2027-01-01', name: "Jour de l'an" },
  ],
};

test.use({ viewport: { width: 1366, height: 900 } });

test.describe.serial('SLA clocks in the browser', () => {
  let defaults: unknown;
  const handle = `sla_${Date.now() % 100000}`;

  test('English: time left in the queue, a breach in "Breached", the settings screen', async ({ page, request }) => {
    test.setTimeout(180_000);
    await signIn(page);
    defaults = await (await page.request.get('/api/sla/policies')).json();
    // One-minute first-response targets so a breach happens while the test watches.
    const quick = [1, 2, 3, 4].map((priority) => ({
      priority,
      firstResponseMinutes: priority === 4 ? 600 : 1,
      nextResponseMinutes: 60,
      resolutionMinutes: 24 * 60,
      businessHours: false,
      pauseWhenPending: true,
    }));
    expect((await page.request.put('/api/sla/policies', { data: { policies: quick } })).ok()).toBe(true);
    expect((await page.request.put('/api/sla/hours', { data: { hours } })).ok()).toBe(true);

    await customerPosts(request, handle, 'Nina Keller', '@acme_sav my parcel 77120 is lost, nobody answers');
    await page.getByTestId('inbox-search').fill(handle);
    const row = page
      .getByTestId('case-row')
      .filter({ hasText: `@${handle}` })
      .first();
    await expect(row.getByTestId('case-sla')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('inbox-search').fill('');
    await expect(page.getByTestId('case-sla').first()).toBeVisible();
    await page.screenshot({ path: `${shots}/sla-queue-en.png`, fullPage: true });

    // A minute later the sweep marks it breached; it moves to "Breached" and the lead gets an alert.
    await page.goto('/?view=breached');
    await expect(page.getByTestId('view-breached')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('case-row').filter({ hasText: `@${handle}` })).toBeVisible({ timeout: 120_000 });
    await expect(
      page
        .getByTestId('case-row')
        .filter({ hasText: `@${handle}` })
        .getByTestId('case-sla'),
    ).toHaveAttribute('data-sla-state', 'breached');
    await page.screenshot({ path: `${shots}/sla-breached-en.png`, fullPage: true });

    await page
      .getByTestId('case-row')
      .filter({ hasText: `@${handle}` })
      .click();
    await expect(page.getByTestId('case-sla')).toHaveAttribute('data-sla-state', 'breached');
    await page.screenshot({ path: `${shots}/sla-case-en.png`, fullPage: true });

    await page.goto('/sla');
    await expect(page.getByTestId('sla-alerts')).toBeVisible();
    await expect(page.getByTestId('sla-alerts-unread')).toBeVisible();
    await expect(page.getByTestId('sla-hours-state')).toHaveText(/in force/i);
    await page.getByTestId('sla-holiday-date').fill('2027-05-01');
    await page.getByTestId('sla-holiday-name').fill('Fête du travail');
    await page.getByTestId('sla-holiday-add').click();
    await page.getByTestId('sla-hours-save').click();
    await expect(page.getByTestId('sla-holidays')).toContainText('2027-05-01');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${shots}/sla-settings-en.png`, fullPage: true });
    const saved = (await (await page.request.get('/api/sla/hours')).json()) as { workspace: { holidays: unknown[] } };
    expect(saved.workspace.holidays).toHaveLength(3);
  });

  test('French: the same screens', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    await expect(page.getByTestId('view-breached')).toHaveText(/En retard/);
    await expect(page.getByTestId('case-sla').first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: `${shots}/sla-queue-fr.png`, fullPage: true });
    await page.goto('/?view=breached');
    await expect(page.getByTestId('view-breached')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('case-row').filter({ hasText: `@${handle}` })).toBeVisible();
    await page.screenshot({ path: `${shots}/sla-breached-fr.png`, fullPage: true });
    await page.goto('/sla');
    await expect(page.getByRole('heading', { name: 'Niveaux de service' })).toBeVisible();
    await expect(page.getByTestId('sla-policies')).toContainText('Première réponse');
    await page.screenshot({ path: `${shots}/sla-settings-fr.png`, fullPage: true });

    // Put the desk back as the other specs expect it.
    const response = await page.request.get(`/api/cases?view=all&q=sla_&limit=200`);
    const { cases } = (await response.json()) as { cases: { id: string }[] };
    if (cases.length)
      await page.request.post('/api/cases/bulk', {
        data: { caseIds: cases.map((c) => c.id), action: { type: 'resolve' } },
      });
    expect((await page.request.put('/api/sla/policies', { data: defaults })).ok()).toBe(true);
    await context.close();
  });
});
