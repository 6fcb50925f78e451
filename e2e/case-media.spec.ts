import { expect, test, type APIRequestContext, type Locator } from '@playwright/test';
import { openCaseOf, resolveCases, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['media_']);
});

async function sandboxUser(request: APIRequestContext, username: string, name: string): Promise<string> {
  const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
    headers: adminHeaders,
    data: { username, name, followersCount: 140 },
  });
  expect(ensured.ok()).toBe(true);
  const body = (await ensured.json()) as { data: { user?: { id: string }; id?: string } };
  return (body.data.user?.id ?? body.data.id)!;
}

async function sandboxPost(request: APIRequestContext, userId: string, data: Record<string, unknown>) {
  const posted = await request.post(`${sandboxAdmin}/users/${userId}/tweets`, { headers: adminHeaders, data });
  expect(posted.ok()).toBe(true);
}

/** The picture really loaded (CSP allowed its host, the host answered with an image). */
async function expectLoaded(image: Locator) {
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 15_000 })
    .toBe(true);
}

const copy = {
  en: {
    alt: 'A crushed parcel on the doormat',
    altShown: 'Description: A crushed parcel on the doormat',
    privatePhoto: 'Photo sent in a direct message',
    openOnX: 'Open on X',
    viewOnX: 'View on X',
    gif: 'GIF',
  },
  fr: {
    alt: 'Un carton écrasé sur le paillasson',
    altShown: 'Description : Un carton écrasé sur le paillasson',
    privatePhoto: 'Photo envoyée en message privé',
    openOnX: 'Ouvrir sur X',
    viewOnX: 'Voir sur X',
    gif: 'GIF',
  },
} as const;

for (const lang of ['en', 'fr'] as const) {
  test.describe(`case media (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`shows a photo, a GIF, a link and a DM photo in one case (${lang})`, async ({ page, request }) => {
      // This case waits for a DM: the e2e desk reads DMs at every poll (playwright.config.ts), X's pace would
      // be one read a minute; the margin is for a loaded machine.
      test.setTimeout(180_000);
      const t = copy[lang];
      const handle = `media_${lang}_${Date.now() % 100000}`;
      const customerId = await sandboxUser(request, handle, 'Jeanne Media');
      const brandId = await sandboxUser(request, 'acme_sav', 'acme_sav');
      const dm = await request.post(`${sandboxAdmin}/users/${customerId}/dms`, {
        headers: adminHeaders,
        data: { toUserId: brandId, text: 'Label', media: [{ type: 'photo', image: 'receipt' }] },
      });
      expect(dm.ok()).toBe(true);
      // Only the handle and a photo: customer work all the same.
      await sandboxPost(request, customerId, {
        text: '@acme_sav',
        media: [{ type: 'photo', image: 'parcel', altText: t.alt }],
      });
      await sandboxPost(request, customerId, {
        text: '@acme_sav encore',
        media: [{ type: 'animated_gif', image: 'screen' }],
      });
      await sandboxPost(request, customerId, { text: '@acme_sav https://track.example.com/parcel/4411' });

      await signIn(page);
      await openCaseOf(page, handle);
      const messages = page.getByTestId('message');
      await expect(messages).toHaveCount(4, { timeout: 150_000 });

      const photo = page.locator('[data-testid="message-media"][data-media-type="photo"]');
      const thumbnail = photo.getByRole('img', { name: t.alt });
      await expectLoaded(thumbnail);
      await expect(thumbnail).toHaveAttribute('loading', 'lazy');
      const box = (await thumbnail.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(240);
      expect(box.height).toBeLessThanOrEqual(180);
      await expect(photo.getByTestId('media-alt')).toHaveText(t.altShown);
      // The media's own short link is not shown as text: the photo stands for it.
      await expect(messages.filter({ has: photo }).locator('.message-text')).toHaveText('@acme_sav');

      const gif = page.locator('[data-testid="message-media"][data-media-type="animated_gif"]');
      await expectLoaded(gif.getByRole('img'));
      await expect(gif).toContainText(t.gif);
      // The sandbox has no video files (no mp4 variant): the post on X plays it, from the message's own link.
      await expect(gif.getByTestId('media-play')).toHaveCount(0);
      await expect(messages.filter({ has: gif }).getByRole('link', { name: t.viewOnX })).toHaveAttribute(
        'href',
        /^https:\/\/x\.com\//,
      );

      const link = page.getByTestId('message-link');
      await expect(link).toHaveText('track.example.com/parcel/…');
      await expect(link).toHaveAttribute('href', 'https://track.example.com/parcel/4411');
      await expect(link).toHaveAttribute('target', '_blank');
      await expect(link).toHaveAttribute('rel', 'noopener noreferrer');

      const privatePhoto = page.getByTestId('message-media-private');
      await expect(privatePhoto).toContainText(t.privatePhoto);
      await expect(privatePhoto.getByRole('link', { name: t.openOnX })).toHaveAttribute(
        'href',
        /^https:\/\/x\.com\/messages\//,
      );
      // X serves a DM's picture only with the account's credentials: the desk's own route loads it.
      const dmPicture = privatePhoto.locator('img');
      await expectLoaded(dmPicture);
      await expect(dmPicture).toHaveAttribute('src', /^\/api\/messages\/[^/]+\/media\/0$/);
      await privatePhoto.screenshot({ path: `${shots}/case-media-dm-photo-${lang}.png` });

      await page.screenshot({ path: `${shots}/case-media-${lang}.png`, fullPage: true });

      await thumbnail.click();
      const full = page.getByTestId('media-full');
      await expectLoaded(full);
      await page.screenshot({ path: `${shots}/case-media-viewer-${lang}.png` });
      await page.keyboard.press('Escape');
      await expect(full).toBeHidden();
    });
  });
}
