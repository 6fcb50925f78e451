import { expect, test } from '@playwright/test';
import { customerPosts, openCaseOf, resolveCases, shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['thread_']);
});

/** A long public reply (F13): previewed as a numbered thread, sent as one, each part answering the one before. */
const longReply = [
  'Bonjour Léa, merci pour votre patience et désolés pour ce retard.',
  'Nous avons retrouvé votre colis au dépôt de Lyon : il repart demain matin et sera chez vous jeudi avant midi.',
  'Vous recevrez un SMS avec le créneau de livraison la veille au soir, et le suivi est déjà à jour sur notre site.',
  'Si le créneau ne vous convient pas, répondez simplement au SMS pour choisir un autre jour ou un point relais.',
  'Nous avons aussi prévenu le transporteur : votre code de porte et votre étage sont bien notés cette fois.',
  'Et pour le retard, un bon de réduction vous attend dans votre espace client. Belle journée à vous ! ^AD',
].join(' ');

for (const lang of ['en', 'fr'] as const) {
  test.describe(`thread sending (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`sends a long public reply as a numbered thread of 3 posts (${lang})`, async ({ page, request }) => {
      const handle = `thread_${lang}_${Date.now() % 100000}`;
      await customerPosts(request, handle, 'Léa Martin', '@acme_sav mon colis a trois jours de retard, où est-il ?');
      await signInAs(page, E2E.admin.email, E2E.admin.password);
      await openCaseOf(page, handle);

      await page.getByTestId('reply-input').fill(longReply);
      const preview = page.getByTestId('reply-thread-preview');
      await expect(preview).toBeVisible();
      await expect(preview.locator('li')).toHaveCount(3);
      await expect(preview.locator('li').nth(0)).toContainText('1/3');
      await expect(preview.locator('li').nth(2)).toContainText('3/3');
      await expect(page.getByTestId('reply-send')).toHaveText(
        lang === 'en' ? 'Send the thread (3 posts)' : 'Envoyer le fil (3 publications)',
      );
      await expect(page.getByTestId('reply-send')).toBeEnabled();
      await preview.screenshot({ path: `${shots}/thread-preview-${lang}.png` });
      await page.getByTestId('reply-send').click();

      const parts = page.locator('[data-testid="message"][data-direction="outbound"]');
      await expect(parts).toHaveCount(3);
      for (let index = 0; index < 3; index++) {
        await expect(parts.nth(index)).toContainText(`${index + 1}/3`);
        await expect(parts.nth(index)).toHaveAttribute('data-delivery-status', 'sent', { timeout: 30_000 });
      }
      await expect(page.getByTestId('reply-input')).toHaveValue('');
      await page.screenshot({ path: `${shots}/thread-sent-${lang}.png`, fullPage: true });
    });
  });
}
