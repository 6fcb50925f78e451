import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { openCaseOf, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };
const suffix = Date.now() % 100000;

async function sandboxUser(request: APIRequestContext, username: string, name: string): Promise<string> {
  const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
    headers: adminHeaders,
    data: { username, name },
  });
  expect(ensured.ok()).toBe(true);
  const body = (await ensured.json()) as { data: { user?: { id: string }; id?: string } };
  return (body.data.user?.id ?? body.data.id)!;
}

/** `YYYY-MM-DDTHH:mm` in Paris time (the browser's zone in these tests), `days` from now at `hour`. */
function parisInput(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
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

test.describe.serial('away periods and greetings in the browser', () => {
  test('English: plan a period, start one now, the banner, a DM answered once; greetings settings', async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    await signIn(page);
    // A clean slate on a reused data folder: end or cancel what an earlier run left.
    const before = (await (await page.request.get('/api/absence')).json()) as {
      periods: { id: string; status: string }[];
    };
    for (const period of before.periods.filter((p) => p.status === 'planned' || p.status === 'active')) {
      await page.request.post(`/api/absence/${period.id}/end`, { data: {} });
    }

    // Away periods live in the Settings area.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-nav').getByTestId('settings-nav-absence').click();
    await expect(page.getByTestId('absence-none')).toBeVisible();
    await page.getByTestId('absence-kind').click();
    await page.getByRole('option', { name: 'Holidays' }).click();
    await page.getByTestId('absence-starts-at').fill(parisInput(20, 18));
    await page.getByTestId('absence-ends-at').fill(parisInput(27, 9));
    await page.getByTestId('absence-note').fill('Annual closing — see help.acme.test meanwhile');
    await page.getByTestId('absence-schedule').click();
    await expect(page.getByTestId('absence-row').filter({ hasText: 'Planned' })).toHaveCount(1);

    // Start one now, with a hostile note: shown as text.
    await page.getByTestId('absence-kind').click();
    await page.getByRole('option', { name: 'End of day' }).click();
    await page.getByTestId('absence-starts-at').fill('');
    await page.getByTestId('absence-ends-at').fill(parisInput(1, 9));
    await page.getByTestId('absence-note').fill(`<b>Back tomorrow</b> <script>alert(1)</script> 🌙 ${suffix}`);
    await page.getByTestId('absence-start').click();
    await expect(page.getByTestId('absence-banner')).toBeVisible();
    await expect(page.getByTestId('absence-active')).toContainText('<b>Back tomorrow</b>');

    // A customer's DM during the period gets the away message, once.
    const brandId = await sandboxUser(request, 'acme_sav', 'Acme');
    const customerId = await sandboxUser(request, `away_${suffix}`, 'Camille Roux');
    for (const text of ['Hello, is anyone there?', 'Hello again?']) {
      const sent = await request.post(`${sandboxAdmin}/users/${customerId}/dms`, {
        headers: adminHeaders,
        data: { toUserId: brandId, text },
      });
      expect(sent.ok()).toBe(true);
    }
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('absence-active')).toContainText('1 customer answered by DM', { timeout: 10_000 });
    }).toPass({ timeout: 120_000 });
    const dms = (await (
      await request.get(`${sandboxAdmin}/dm-events?userId=${customerId}`, { headers: adminHeaders })
    ).json()) as { data: { senderId: string; text: string }[] };
    expect(dms.data.filter((e) => e.senderId === brandId)).toHaveLength(1);
    await page.screenshot({ path: `${shots}/absence-en.png`, fullPage: true });

    // The banner shows on every screen; the customer's case carries the away period.
    await page.goto('/');
    await expect(page.getByTestId('absence-banner')).toBeVisible();
    await page.screenshot({ path: `${shots}/absence-banner-inbox-en.png` });
    await openCaseOf(page, `away_${suffix}`);
    await expect(page.getByTestId('case-absence-badge')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('A customer wrote during an away period (End of day)')).toBeVisible();
    await page.screenshot({ path: `${shots}/absence-case-en.png`, fullPage: true });

    await page.goto('/greetings');
    await expect(page.getByTestId('greetings-settings')).toBeVisible();
    await page.getByTestId('greetings-enabled').click();
    await page.getByTestId('welcome-per-hour').fill('20');
    await page.getByTestId('greetings-save').click();
    await expect(page.getByTestId('greetings-saved')).toBeVisible();
    await page.screenshot({ path: `${shots}/greetings-en.png`, fullPage: true });
  });

  test('French: the same screens, then the period ends and the banner goes', async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await frenchPage(browser);
    await signIn(page);
    await expect(page.getByTestId('absence-banner')).toContainText('Absence (Fin de journée)');
    await page.getByTestId('absence-banner-link').click();
    await expect(page.getByRole('heading', { name: 'Périodes d’absence' })).toBeVisible();
    await expect(page.getByTestId('absence-row').filter({ hasText: 'Prévue' })).toHaveCount(1);
    await page.screenshot({ path: `${shots}/absence-fr.png`, fullPage: true });

    await page.getByTestId('absence-texts-link').click();
    await expect(page.getByTestId('greetings-settings')).toBeVisible();
    await expect(page.getByTestId('greetings-enabled')).toBeChecked();
    // A greeting that would repeat word for word each day is refused, with the reason.
    await page.getByTestId('greetings-open').fill('Bonjour, nous sommes ouverts !');
    await page.getByTestId('greetings-save').click();
    await expect(page.getByText('Chaque salutation doit contenir la date')).toBeVisible();
    await page.screenshot({ path: `${shots}/greetings-fr.png`, fullPage: true });

    await page.goto('/absence');
    await page.getByTestId('absence-end-now').click();
    await expect(page.getByTestId('absence-banner')).toHaveCount(0);
    await expect(page.getByTestId('absence-none')).toBeVisible();
    await page.context().close();
  });
});
