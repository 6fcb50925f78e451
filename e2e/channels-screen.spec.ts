import { expect, test, type APIRequestContext } from '@playwright/test';
import { signIn } from './helpers.ts';
import { E2E } from './settings.ts';

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };
const shots = 'test-results/screenshots';

/** Every read of mentions fails with X's 503 until the faults are cleared: the demo channel turns failing. */
async function breakMentions(request: APIRequestContext) {
  const set = await request.post(`${sandboxAdmin}/faults`, {
    headers: adminHeaders,
    data: { serverError: { status: 503, rate: 1, endpoint: 'GET /2/users/:id/mentions' } },
  });
  expect(set.ok()).toBe(true);
}

async function sandboxKeys(request: APIRequestContext, username: string) {
  const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
    headers: adminHeaders,
    data: { username, name: `Acme ${username}` },
  });
  expect(ensured.ok()).toBe(true);
  const body = (await ensured.json()) as { data: { oauth1: Record<string, string> } };
  return body.data.oauth1;
}

test.use({ viewport: { width: 1366, height: 900 } });

test.afterEach(async ({ request }) => {
  await request.delete(`${sandboxAdmin}/faults`, { headers: adminHeaders });
});

for (const lang of ['en', 'fr'] as const) {
  test.describe(`channels screen (${lang})`, () => {
    test.use({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });

    test('shows spend, budget and a failing alarm everywhere, and connects accounts', async ({ page, request }) => {
      await signIn(page);
      await breakMentions(request);

      // The alarm reaches every screen of the desk, with a way to the channels screen.
      const banner = page.getByTestId('channel-health-banner');
      await expect(async () => {
        await page.reload();
        await expect(banner).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await expect(banner).toContainText('@acme_sav');
      await expect(banner).toContainText('Service Unavailable');
      await page.getByTestId('channel-health-link').click();
      await expect(page).toHaveURL(/\/channels$/);

      const card = page.locator('[data-testid="channel-card"][data-handle="acme_sav"]');
      await expect(card.getByTestId('channel-status')).toHaveText(lang === 'fr' ? 'En échec' : 'Failing');
      await expect(card.getByTestId('channel-alarm')).toContainText('Service Unavailable');

      // Budget: a tiny one is exhausted at once, which stops the searches.
      await card.getByTestId('channel-budget').fill('0.01');
      await card.getByTestId('channel-budget-save').click();
      await expect(card.getByTestId('channel-budget-state')).toHaveText(
        lang === 'fr' ? 'Épuisé : les recherches s’arrêtent' : 'Exhausted: searches stop',
      );
      await expect(card.getByTestId('channel-spend-table')).toContainText(/0[.,]001/);

      const searchName = `Brand ${lang}`;
      await card.getByTestId('search-name').fill(searchName);
      await card.getByTestId('search-query').fill('acme (panne OR outage) -from:acme_sav -is:retweet');
      await card.getByTestId('search-add').click();
      await expect(card.getByTestId('channel-search').filter({ hasText: searchName })).toBeVisible();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${shots}/channels-screen-${lang}.png`, fullPage: true });

      // Wrong keys: X's refusal, in its words, and nothing connected.
      const keys = await sandboxKeys(request, `acme_keys_${lang}`);
      await page.getByTestId('connect-tab-keys').click();
      await page.getByTestId('connect-apiKey').fill(keys.appKey!);
      await page.getByTestId('connect-apiSecret').fill(keys.appSecret!);
      await page.getByTestId('connect-accessToken').fill(keys.accessToken!);
      await page.getByTestId('connect-accessSecret').fill('not-the-secret');
      await expect(page.getByTestId('connect-sandbox')).toBeChecked();
      await page.getByTestId('connect-keys-submit').click();
      await expect(page.getByTestId('connect-error')).toContainText('Unauthorized');
      await page.getByTestId('connect-panel').screenshot({ path: `${shots}/channels-connect-${lang}.png` });

      // The right keys connect the account; its secrets are shown as "configured" only.
      await page.getByTestId('connect-accessSecret').fill(keys.accessSecret!);
      await page.getByTestId('connect-keys-submit').click();
      await expect(page.getByTestId('connect-success')).toContainText(`@acme_keys_${lang}`);
      const keysCard = page.locator(`[data-testid="channel-card"][data-handle="acme_keys_${lang}"]`);
      await expect(keysCard.getByTestId('channel-credentials')).toContainText(
        lang === 'fr' ? 'Clés OAuth 1.0a : configurées' : 'OAuth 1.0a keys: configured',
      );
      const html = await page.content();
      expect(html).not.toContain(keys.accessSecret!);

      // X webhooks stay off until the admin turns them on; then the address to register with X is shown.
      const webhooks = keysCard.getByTestId('channel-webhooks');
      await expect(webhooks.getByTestId('channel-webhooks-toggle')).not.toBeChecked();
      await webhooks.getByTestId('channel-webhooks-toggle').click();
      await expect(webhooks).toContainText('/webhooks/x/');
      await webhooks.screenshot({ path: `${shots}/channels-webhooks-${lang}.png` });

      // Sign in with X: the sandbox's consent page stands in for x.com.
      await sandboxKeys(request, `acme_oauth_${lang}`);
      await page.getByTestId('connect-tab-oauth2').click();
      await page.getByTestId('connect-oauth2').click();
      await expect(page).toHaveURL(/\/i\/oauth2\/authorize/);
      await page.locator('#account').selectOption(`acme_oauth_${lang}`);
      await page.screenshot({ path: `${shots}/channels-oauth2-consent-${lang}.png`, fullPage: true });
      await page.locator('button[value="authorize"]').click();
      await expect(page).toHaveURL(/\/channels\?connected=/);
      await expect(page.getByTestId('channels-connected')).toContainText(`@acme_oauth_${lang}`);
      const oauthCard = page.locator(`[data-testid="channel-card"][data-handle="acme_oauth_${lang}"]`);
      await expect(oauthCard.getByTestId('channel-credentials')).toContainText(
        lang === 'fr' ? 'Jeton OAuth 2.0 : configuré' : 'OAuth 2.0 token: configured',
      );

      // Healthy again once X answers: the banner goes away.
      await request.delete(`${sandboxAdmin}/faults`, { headers: adminHeaders });
      await card.getByTestId('channel-budget').fill('');
      await card.getByTestId('channel-budget-save').click();
      await expect(async () => {
        await page.goto('/');
        await expect(page.getByTestId('view-all')).toBeVisible();
        await expect(banner).toBeHidden({ timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
    });
  });
}
