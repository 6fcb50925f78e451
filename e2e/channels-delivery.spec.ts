import { expect, test } from '@playwright/test';
import { shots, signIn } from './helpers.ts';

/**
 * The Channels screen's delivery path (issue 12, decision 0012): an admin switches the sandbox account to
 * the X Activity API's stream and sees it go live with its last event and cost, and sees the Account
 * Activity API's end-of-life warning (the desk's clock is in December 2026), in English and French.
 */

const TEXT = {
  en: {
    polling: 'Polling only',
    stream: 'X Activity API (stream)',
    aaa: 'Account Activity API',
    liveXaa: 'Live: X Activity API',
    livePolling: 'Live: polling',
    never: /never/i,
    eol: 'The Account Activity API is ending',
  },
  fr: {
    polling: 'Interrogation seule',
    stream: 'X Activity API (flux)',
    aaa: 'Account Activity API',
    liveXaa: 'En service : X Activity API',
    livePolling: 'En service : interrogation régulière',
    never: /jamais/i,
    eol: 'L’Account Activity API va s’arrêter',
  },
} as const;

test.use({ viewport: { width: 1366, height: 1000 } });

for (const lang of ['en', 'fr'] as const) {
  test.describe(`channels screen: delivery path (${lang})`, () => {
    test.use({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    test('switches to the X Activity API and warns of the Account Activity API’s end', async ({ page }) => {
      test.setTimeout(120_000);
      const words = TEXT[lang];
      await signIn(page);
      await page.goto('/channels');
      const card = page.locator('[data-testid="channel-card"][data-handle="acme_sav"]');
      const section = card.getByTestId('channel-delivery');
      const choice = section.getByTestId('channel-delivery-choice');
      const live = section.getByTestId('channel-delivery-live');

      await choice.getByText(words.polling, { exact: true }).click();
      await expect(live).toHaveText(words.livePolling);

      // The stream job starts at the scheduler's next round; the simulated customer keeps posting.
      await choice.getByText(words.stream, { exact: true }).click();
      await expect(async () => {
        await page.reload();
        await expect(live).toHaveText(words.liveXaa, { timeout: 2_000 });
      }).toPass({ timeout: 60_000 });
      // Events flow: the last event time appears (and the month's XAA cost with it).
      await expect(async () => {
        await page.reload();
        await expect(section).not.toContainText(words.never, { timeout: 2_000 });
      }).toPass({ timeout: 60_000 });
      await section.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/channels-delivery-xaa-${lang}.png`, fullPage: true });

      await choice.getByText(words.aaa, { exact: true }).click();
      await expect(section.getByTestId('channel-delivery-eol')).toContainText(words.eol);
      await section.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/channels-delivery-eol-${lang}.png`, fullPage: true });

      await choice.getByText(words.polling, { exact: true }).click();
      await expect(live).toHaveText(words.livePolling);
    });
  });
}
