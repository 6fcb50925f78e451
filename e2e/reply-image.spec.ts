import zlib from 'node:zlib';
import { expect, test, type Locator } from '@playwright/test';
import { customerPosts, openCaseOf, resolveCases, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['rimg_']);
});

/** A 160×120 PNG drawn here (an orange label on blue): a real picture, no file in the repository. */
function labelPng(): Buffer {
  const [width, height] = [160, 120];
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = x > 30 && x < 130 && y > 25 && y < 95;
      rows.set(label ? [240, 180, 60] : [40, 110, 200], y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(zlib.crc32(body) >>> 0, body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const LABEL_PNG = labelPng();

const copy = {
  en: {
    text: 'Here is your return label: print it and stick it on the parcel. ^A',
    limits: 'Up to 4 pictures or 1 GIF',
    wrongType: 'X accepts JPEG, PNG, WebP and GIF pictures only.',
  },
  fr: {
    text: 'Voici votre étiquette de retour : imprimez-la et collez-la sur le colis. ^A',
    limits: 'Jusqu’à 4 images ou 1 GIF',
    wrongType: 'X accepte uniquement les images JPEG, PNG, WebP et GIF.',
  },
} as const;

/** The picture really loaded from the desk (signed-in route, checked type). */
async function expectLoaded(image: Locator) {
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 15_000 })
    .toBe(true);
}

for (const lang of ['en', 'fr'] as const) {
  test.describe(`reply with an image (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`an agent attaches a picture to a public reply and sees it delivered (${lang})`, async ({ page, request }) => {
      const t = copy[lang];
      const handle = `rimg_${lang}_${Date.now() % 100000}`;
      await customerPosts(
        request,
        handle,
        'Inès Retour',
        '@acme_sav je dois renvoyer le colis, il me faut une étiquette',
      );
      await signIn(page);
      await openCaseOf(page, handle);

      const images = page.getByTestId('reply-images');
      await expect(images).toContainText(t.limits);
      // A file X would refuse is refused here, before anything is uploaded.
      await page.getByTestId('reply-image-input').setInputFiles({
        name: 'notes.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.7'),
      });
      await expect(page.getByTestId('reply-image-error')).toHaveText(t.wrongType);

      await page.getByTestId('reply-image-input').setInputFiles({
        name: 'label.png',
        mimeType: 'image/png',
        buffer: LABEL_PNG,
      });
      const thumbnail = page.getByTestId('reply-image').getByRole('img', { name: 'label.png' });
      await expectLoaded(thumbnail);
      await expect(page.getByTestId('reply-image-error')).toHaveCount(0);
      await page.getByTestId('reply-input').fill(t.text);
      await page.screenshot({ path: `${shots}/reply-image-composer-${lang}.png`, fullPage: true });
      await page.getByTestId('reply-send').click();

      const sent = page.locator('[data-testid="message"][data-direction="outbound"]');
      await expect(sent).toHaveCount(1);
      await expect(sent).toHaveAttribute('data-delivery-status', 'sent', { timeout: 30_000 });
      await expectLoaded(sent.getByTestId('message-media-own').getByRole('img'));
      await expect(page.getByTestId('reply-image')).toHaveCount(0);

      // On X (the sandbox): one reply, carrying the picture the agent chose, byte for byte.
      const onX = await request.get(`${sandboxAdmin}/tweets`, { headers: adminHeaders });
      const tweets = ((await onX.json()) as { data: { text: string; media?: { mediaKey: string }[] }[] }).data;
      const replies = tweets.filter((tweet) => tweet.text.includes(t.text));
      expect(replies).toHaveLength(1);
      expect(replies[0]!.media).toHaveLength(1);
      const file = await request.get(
        `http://127.0.0.1:${E2E.sandboxPort}/media/${replies[0]!.media![0]!.mediaKey}.png`,
      );
      expect(Buffer.from(await file.body()).equals(LABEL_PNG)).toBe(true);
      await page.screenshot({ path: `${shots}/reply-image-sent-${lang}.png`, fullPage: true });
    });
  });
}
