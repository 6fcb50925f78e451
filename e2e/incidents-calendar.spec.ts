import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { customerPosts, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

const suffix = Date.now() % 100000;
const title = `Fibre outage in Lyon ${suffix}`;
const keyword = `fibre${suffix}`;

async function channelId(request: APIRequestContext): Promise<string> {
  const body = (await (await request.get('/api/channels')).json()) as { channels: { id: string }[] };
  return body.channels[0]!.id;
}

/** A few posts around today for the calendar: one due now (it gets sent), planned ones, a cancelled one. */
async function seedPosts(request: APIRequestContext) {
  const channel = await channelId(request);
  const at = (days: number, hour: number) => {
    const d = new Date();
    d.setDate(d.getDate() + days);
    d.setHours(hour, 30, 0, 0);
    return d.toISOString();
  };
  const create = async (text: string, publishAt: string) => {
    const response = await request.post('/api/scheduled-posts', { data: { channelId: channel, text, publishAt } });
    expect(response.status()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  await create(`Our shops close at 5 pm on Friday. ${suffix}`, new Date().toISOString());
  await create(`New opening hours from Monday: 8 am to 8 pm. ${suffix}`, at(2, 9));
  await create(`Maintenance of the app tonight <b>22:00</b> → 23:00 🛠️ ${suffix}`, at(1, 21));
  const cancelled = await create(`Flash sale, cancelled ${suffix}`, at(3, 12));
  expect((await request.post(`/api/scheduled-posts/${cancelled}/cancel`, { data: {} })).ok()).toBe(true);
}

async function frenchPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1366, height: 900 },
    baseURL: E2E.baseURL,
  });
  return context.newPage();
}

test.use({ viewport: { width: 1366, height: 900 }, timezoneId: 'Europe/Paris', locale: 'en-GB' });

test.describe.serial('incidents and the calendar in the browser', () => {
  let incidentUrl = '';

  test('English: declare an incident, link complaints, resolve, answer each once', async ({ page, request }) => {
    test.setTimeout(180_000);
    await signIn(page);
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incident-declare').click();
    await page.getByTestId('incident-title').fill(title);
    await page.getByTestId('incident-description').fill('Fibre cut near Part-Dieu; technicians on site since 8 am.');
    const keywords = page.getByTestId('incident-keywords');
    await keywords.fill(keyword);
    await keywords.press('Enter');
    await page
      .getByTestId('incident-post-text')
      .fill(`We know about the fibre outage in Lyon (${keyword}) and our technicians are on it. Updates here.`);
    await page
      .getByTestId('incident-reply-text')
      .fill(
        'Hello {{customer.firstName}}, the fibre outage in Lyon is fixed: your connection should be back. {{agent.initials}}',
      );
    await page.getByTestId('incident-declare-submit').click();
    await expect(page.getByTestId('incident-page')).toBeVisible();
    await expect(page.getByTestId('incident-heading')).toHaveText(title);
    incidentUrl = new URL(page.url()).pathname;

    // Three customers complain after the declaration.
    for (const [i, name] of ['Camille Roux', 'Hugo Martin', 'Léa <i>Petit</i>'].entries()) {
      await customerPosts(
        request,
        `lyon_${suffix}_${i}`,
        name,
        `@acme_sav no internet since this morning, ${keyword} down again ${i}`,
      );
    }
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('incident-suggestion')).toHaveCount(3, { timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByText('Sent', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: `${shots}/incident-suggestions-en.png`, fullPage: true });

    await page.getByTestId('incident-link-all').click();
    await expect(page.getByTestId('incident-case')).toHaveCount(3);
    await expect(page.getByTestId('incident-suggestion')).toHaveCount(0);

    await page.getByTestId('incident-resolve').click();
    await page.getByTestId('incident-resolve-confirm').click();
    await expect(page.getByTestId('incident-status').first()).toHaveText('Resolved');
    await expect(page.getByTestId('incident-reply-status').filter({ hasText: 'Answered' })).toHaveCount(3, {
      timeout: 60_000,
    });
    await expect(page.getByTestId('incident-timeline')).toContainText('Answer sent');
    await page.screenshot({ path: `${shots}/incident-resolved-en.png`, fullPage: true });

    // Resolving again (an API retry) answers nobody twice.
    const id = incidentUrl.split('/').pop()!;
    expect((await page.request.post(`/api/incidents/${id}/resolve`, { data: {} })).ok()).toBe(true);
    const detail = (await (await page.request.get(`/api/incidents/${id}`)).json()) as {
      cases: { reply: { status: string } }[];
      timeline: { type: string }[];
    };
    expect(detail.timeline.filter((e) => e.type === 'incident.reply_queued')).toHaveLength(3);

    // The linked case says so.
    await page.getByTestId('incident-case').first().getByRole('link').first().click();
    await expect(page.getByTestId('case-incident-linked')).toContainText(title);
    await page.screenshot({ path: `${shots}/incident-case-banner-en.png`, fullPage: true });
  });

  test('English: the calendar, month and week, compose and edit', async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page);
    await seedPosts(page.request);
    await page.getByTestId('nav-calendar').click();
    await expect(page.getByTestId('calendar-grid')).toBeVisible();
    await expect(page.locator('[data-testid="calendar-post"][data-status="sent"]').first()).toBeVisible({
      timeout: 30_000,
    });

    // Compose one from the calendar, with the X length counter.
    await page.getByTestId('calendar-new-post').click();
    await page.getByTestId('post-text').fill('x'.repeat(281));
    await expect(page.getByTestId('post-length')).toHaveText('281 / 280');
    await expect(page.getByTestId('post-save')).toBeDisabled();
    await page.getByTestId('post-text').fill(`Live Q&A with our support team on Thursday at 6 pm! ${suffix}`);
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page
      .getByTestId('post-when')
      .fill(`${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T18:00`);
    await page.getByTestId('post-save').click();
    await expect(page.getByTestId('post-editor')).toHaveCount(0);
    const composed = page.getByTestId('calendar-post').filter({ hasText: 'Live Q&A' });
    await expect(composed).toHaveCount(1);
    await expect(composed).toContainText(/06:00\sPM|18:00/);

    // Edit it; a sent post opens read-only with its X link.
    await composed.click();
    await page.getByTestId('post-text').fill(`Live Q&A with our support team on Thursday at 7 pm! ${suffix}`);
    await page.getByTestId('post-save').click();
    await expect(page.getByTestId('calendar-post').filter({ hasText: '7 pm' })).toHaveCount(1);
    await page.locator('[data-testid="calendar-post"][data-status="sent"]').first().click();
    await expect(page.getByTestId('post-x-link')).toBeVisible();
    await expect(page.getByTestId('post-save')).toHaveCount(0);
    await page.keyboard.press('Escape');

    await page.screenshot({ path: `${shots}/calendar-month-en.png`, fullPage: true });
    await page.getByTestId('calendar-mode').getByText('Week').click();
    await expect(page.getByTestId('calendar-day')).toHaveCount(7);
    await page.screenshot({ path: `${shots}/calendar-week-en.png`, fullPage: true });
  });

  test('French: the incident screen and the calendar', async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await frenchPage(browser);
    await signIn(page);
    await page.goto(incidentUrl);
    await expect(page.getByTestId('incident-status').first()).toHaveText('Résolu');
    await expect(page.getByTestId('incident-reply-status').filter({ hasText: 'Répondu' })).toHaveCount(3);
    await page.screenshot({ path: `${shots}/incident-resolved-fr.png`, fullPage: true });
    await page.goto('/incidents');
    await expect(page.getByTestId('incident-row').first()).toBeVisible();
    await page.screenshot({ path: `${shots}/incidents-list-fr.png`, fullPage: true });
    await page.goto('/calendar');
    await expect(page.getByTestId('calendar-post').first()).toBeVisible();
    const month = new Intl.DateTimeFormat('fr-FR', { month: 'long', timeZone: 'Europe/Paris' }).format(new Date());
    await expect(page.getByTestId('calendar-period')).toContainText(month);
    await page.screenshot({ path: `${shots}/calendar-month-fr.png`, fullPage: true });
    await page.getByTestId('calendar-mode').getByText('Semaine').click();
    await page.screenshot({ path: `${shots}/calendar-week-fr.png`, fullPage: true });
    await page.context().close();
  });
});
