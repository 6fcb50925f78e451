import { expect, test, type APIRequestContext } from '@playwright/test';
import { agentPassword, customerPosts, ensureAgent, openCaseOf, resolveCases, shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['guard_', 'dmdm_']);
});

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };
const leak = 'Bonjour, on vous écrit à lea.martin@exemple.fr ou au 06 12 34 56 78. ^AD';

async function sandboxUserId(request: APIRequestContext, username: string, name: string): Promise<string> {
  const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
    headers: adminHeaders,
    data: { username, name },
  });
  expect(ensured.ok()).toBe(true);
  const body = (await ensured.json()) as { data: { user?: { id: string }; id?: string } };
  return (body.data.user?.id ?? body.data.id)!;
}

/** Issue 13: the personal-data guard refuses until confirmed, never for trainees; a DM is answered by DM. */
for (const lang of ['en', 'fr'] as const) {
  test.describe(`reply guard (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`warns, refuses, then sends a confirmed override (${lang})`, async ({ page, request }) => {
      const handle = `guard_${lang}_${Date.now() % 100000}`;
      await customerPosts(request, handle, 'Léa Martin', '@acme_sav ma commande 123456789 n’est pas arrivée');
      await signInAs(page, E2E.admin.email, E2E.admin.password);
      await openCaseOf(page, handle);

      // An order number and the brand's own words raise nothing.
      await page.getByTestId('reply-input').fill('Nous regardons la commande 123456789 tout de suite. ^AD');
      await expect(page.getByTestId('reply-personal-data')).toHaveCount(0);
      await expect(page.getByTestId('reply-target')).toContainText('123456789');

      await page.getByTestId('reply-input').fill(leak);
      const warning = page.getByTestId('reply-personal-data');
      await expect(warning).toBeVisible();
      await expect(page.getByTestId('reply-send')).toBeDisabled();
      await expect(page.getByTestId('reply-dm-blocked')).toBeVisible();
      await page.getByTestId('reply-personal-data').screenshot({ path: `${shots}/reply-guard-warning-${lang}.png` });

      await page.getByTestId('reply-personal-data-confirm').check();
      const send = page.getByTestId('reply-send');
      await expect(send).toHaveText(lang === 'en' ? 'Send anyway' : 'Envoyer quand même');
      await expect(send).toBeEnabled();
      await send.click();
      const sent = page.locator('[data-testid="message"][data-direction="outbound"]');
      await expect(sent).toHaveCount(1);
      await expect(sent.first()).toHaveAttribute('data-delivery-status', 'sent', { timeout: 30_000 });
      await expect(page.getByTestId('reply-input')).toHaveValue('');
      await page.screenshot({ path: `${shots}/reply-guard-override-${lang}.png`, fullPage: true });
    });

    test(`never lets a trainee publish personal data (${lang})`, async ({ page, request }) => {
      const handle = `guard_t${lang}_${Date.now() % 100000}`;
      const email = `trainee-guard-${lang}@acme.test`;
      ensureAgent(email, `Théo ${lang.toUpperCase()}`, 'trainee');
      await customerPosts(request, handle, 'Léa Martin', '@acme_sav mon colis est perdu');
      await signInAs(page, email, agentPassword);
      await openCaseOf(page, handle);
      await page.getByTestId('reply-input').fill(leak);
      await expect(page.getByTestId('reply-personal-data-trainee')).toBeVisible();
      await expect(page.getByTestId('reply-personal-data-confirm')).toHaveCount(0);
      await expect(page.getByTestId('reply-send')).toBeDisabled();
      await page.getByTestId('reply-personal-data').screenshot({ path: `${shots}/reply-guard-trainee-${lang}.png` });
    });

    test(`answers a DM by DM by default (${lang})`, async ({ page, request }) => {
      // The e2e desk reads DMs at every poll (playwright.config.ts); the margin is for a loaded machine.
      test.setTimeout(240_000);
      const handle = `dmdm_${lang}_${Date.now() % 100000}`;
      await customerPosts(request, handle, 'Léa Martin', '@acme_sav bonjour, une question sur ma facture');
      const customerId = await sandboxUserId(request, handle, 'Léa Martin');
      const brandId = await sandboxUserId(request, 'acme_sav', 'Acme SAV');
      const dm = await request.post(`${sandboxAdmin}/users/${customerId}/dms`, {
        headers: adminHeaders,
        data: { toUserId: brandId, text: 'Voici mon numéro client en privé : 4471' },
      });
      expect(dm.ok()).toBe(true);
      await signInAs(page, E2E.admin.email, E2E.admin.password);
      await openCaseOf(page, handle);
      const direct = page.locator('[data-testid="message"][data-visibility="direct"]');
      await expect(direct).toHaveCount(1, { timeout: 150_000 });
      await expect(page.locator('form[data-reply-visibility="direct"]')).toBeVisible();
      await expect(page.getByTestId('reply-target')).toContainText('4471');
      await page.getByTestId('reply-target').click();
      await expect(page.getByTestId('reply-target-option')).toHaveCount(2);
      await page.screenshot({ path: `${shots}/reply-dm-after-dm-${lang}.png` });
    });
  });
}
