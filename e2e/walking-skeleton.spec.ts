import { expect, test, type Page } from '@playwright/test';
import { E2E } from './settings.ts';

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByLabel(/e-?mail/i).fill(E2E.admin.email);
  await page.getByLabel(/password|mot de passe/i).fill(E2E.admin.password);
  await page.getByRole('button', { name: /sign in|se connecter/i }).click();
}

test.use({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });

test('an agent sees a sandbox customer’s mention and answers it; the reply is delivered to X', async ({
  page,
  request,
}) => {
  await signIn(page);

  // The simulated customer posts every 2 s and the desk polls every second.
  const firstRow = page.getByTestId('case-row').first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });
  await expect(firstRow).toContainText('@camille_durand');
  await page.screenshot({ path: 'test-results/screenshots/inbox-en.png', fullPage: true });

  await firstRow.click();
  await expect(page).toHaveURL(/\/cases\//);
  const inbound = page.locator('[data-testid="message"][data-direction="inbound"]').first();
  await expect(inbound).toBeVisible();

  const replyText = `Hello Camille, we are on it (${Date.now()}). ^AD`;
  await page.getByTestId('reply-input').fill(replyText);
  await page.getByTestId('reply-send').click();

  const outbound = page.locator('[data-testid="message"][data-direction="outbound"]').filter({ hasText: replyText });
  await expect(outbound).toBeVisible();
  await expect(outbound).toHaveAttribute('data-delivery-status', 'sent', { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/screenshots/case-en.png', fullPage: true });

  // On the X side, the reply exists as a reply by the brand account.
  const response = await request.get(`${sandboxAdmin}/tweets`, {
    headers: { 'x-sandbox-admin-key': E2E.sandboxAdminKey },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as
    | { data?: { text: string; in_reply_to_tweet_id?: string; referenced_tweets?: { type: string }[] }[] }
    | { text: string }[];
  const tweets = Array.isArray(body) ? body : (body.data ?? []);
  // X puts the customer's @handle in front of a reply's text.
  const onX = tweets.filter((t) => t.text.endsWith(replyText));
  expect(onX).toHaveLength(1);
});

test.describe('in French', () => {
  test.use({ locale: 'fr-FR' });

  test('the desk speaks French when the browser prefers it', async ({ page }) => {
    await signIn(page);
    await expect(page.getByTestId('case-row').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: /déconnexion|se déconnecter/i })).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/inbox-fr.png', fullPage: true });
    await page.getByTestId('case-row').first().click();
    await expect(page.getByTestId('reply-send')).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/case-fr.png', fullPage: true });
  });
});
