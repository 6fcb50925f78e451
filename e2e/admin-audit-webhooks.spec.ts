import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { customerPosts, shots, signIn } from './helpers.ts';

test.use({ viewport: { width: 1366, height: 900 } });

interface Received {
  event: string;
  delivery: string;
  signature: string;
  body: string;
  answered: number;
}

/** A customer's system as it would run it: records deliveries, answers 500 to the ones it is told to. */
async function startReceiver() {
  const received: Received[] = [];
  let failNext: ((body: string) => boolean) | null = null;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const fail = failNext?.(body) ?? false;
      if (fail) failNext = null;
      const answered = fail ? 500 : 200;
      received.push({
        event: String(request.headers['x-guichet-event']),
        delivery: String(request.headers['x-guichet-delivery']),
        signature: String(request.headers['x-guichet-signature']),
        body,
        answered,
      });
      response.statusCode = answered;
      response.end(fail ? 'try again later' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/guichet-events`,
    received,
    /** The first delivery whose body matches is answered 500; the retry then gets 200. */
    failOnce: (match: (body: string) => boolean) => (failNext = match),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the receiver does with `x-guichet-signature`: HMAC-SHA256 of "t.body", compared in constant time. */
function signedWith(secret: string, delivery: Received): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.signature);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${delivery.body}`).digest();
  const given = Buffer.from(match[2]!, 'hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

for (const lang of ['en', 'fr'] as const) {
  const fr = lang === 'fr';
  test.describe(`audit, outgoing webhooks and set-up checklist (${lang})`, () => {
    test.use({ locale: fr ? 'fr-FR' : 'en-GB' });

    test('the audit screen shows a saved reply just edited, before and after, and exports CSV', async ({ page }) => {
      await signIn(page);
      const shortcut = `audit_${lang}_${Date.now().toString(36)}`;
      const created = await page.request.post('/api/templates', {
        data: { name: `Retard ${lang}`, shortcut, language: lang, body: 'Toutes nos excuses pour le retard.' },
      });
      expect(created.status()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const edited = await page.request.put(`/api/templates/${id}`, {
        data: {
          name: `Retard ${lang}`,
          shortcut,
          language: lang,
          body: 'Toutes nos excuses pour ce retard, {{firstName}}.',
        },
      });
      expect(edited.status()).toBe(200);

      await page.goto('/admin/audit');
      await expect(page.getByTestId('audit-panel')).toBeVisible();
      await page.getByTestId('audit-filter-area').click();
      await page.getByRole('option', { name: fr ? 'Réponses enregistrées' : 'Saved replies', exact: true }).click();
      const row = page.locator('[data-testid="audit-row"][data-action="template.updated"]').first();
      await expect(row).toContainText(fr ? 'Réponse enregistrée modifiée' : 'Saved reply changed');
      await expect(row).toContainText('lead@acme.test');
      await expect(row).toContainText('127.0.0.1');
      await row.getByTestId('audit-toggle').click();
      const body = page.locator('[data-testid="audit-diff-row"][data-field="body"]');
      await expect(body).toContainText('Toutes nos excuses pour le retard.');
      await expect(body).toContainText('Toutes nos excuses pour ce retard, {{firstName}}.');
      await page.screenshot({ path: `${shots}/audit-diff-${lang}.png` });

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
      expect(download.suggestedFilename()).toMatch(/^guichet-audit-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe(
        'occurred_at,action,actor_type,actor,actor_id,subject_type,subject_id,ip,before,after,details',
      );
      // The export follows the screen's filter: saved replies only, this one included.
      expect(lines.slice(1).every((line) => line.split(',')[1]!.startsWith('template.'))).toBe(true);
      expect(csv).toContain(`template.updated,agent,lead@acme.test`);
      expect(csv).toContain('Toutes nos excuses pour ce retard, {{firstName}}.');
    });

    test('an outgoing webhook is delivered signed, and retried after the receiver answers 500', async ({
      page,
      request,
    }) => {
      const receiver = await startReceiver();
      try {
        await signIn(page);
        await page.goto('/admin/webhooks');
        await expect(page.getByTestId('webhooks-panel')).toBeVisible();
        await page.getByTestId('webhook-create').click();
        await page.getByTestId('webhook-url').fill(receiver.url);
        await page.getByTestId('webhook-event-case.created').uncheck();
        await expect(page.getByTestId('webhook-event-message.received')).toBeChecked();
        // A plain-http receiver on this machine: refused unless the admin allows private addresses.
        await page.getByTestId('webhook-create-submit').click();
        await expect(page.getByTestId('webhook-create-error')).toContainText(
          fr ? 'Utilisez une adresse https://' : 'Use an https:// address',
        );
        await page.getByTestId('webhook-allow-private').check();
        await page.screenshot({ path: `${shots}/webhook-form-${lang}.png` });
        await page.getByTestId('webhook-create-submit').click();
        const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
        expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
        await page.screenshot({ path: `${shots}/webhook-secret-${lang}.png` });
        await page.getByTestId('webhook-secret-done').click();

        const card = page.locator(`[data-testid="webhook-card"][data-url="${receiver.url}"]`);
        await expect(card).toBeVisible();
        await card.getByTestId('webhook-test').click();
        await expect.poll(() => receiver.received.filter((r) => r.event === 'webhook.test').length).toBe(1);
        expect(
          signedWith(
            secret,
            receiver.received.find((r) => r.event === 'webhook.test')!,
          ),
        ).toBe(true);
        expect(signedWith('whsec_someone_else', receiver.received[0]!)).toBe(false);

        // A customer writes; the first delivery of that message gets a 500, the retry a 200.
        const handle = `wh${lang}${Date.now().toString(36).slice(-8)}`;
        receiver.failOnce((body) => body.includes(`"handle":"${handle}"`));
        await customerPosts(request, handle, fr ? 'Chloé Webhook' : 'Chloe Webhook', '@acme_sav mon colis est perdu');
        const attemptsOf = () => {
          const first = receiver.received.find((r) => r.body.includes(`"handle":"${handle}"`));
          return first ? receiver.received.filter((r) => r.delivery === first.delivery) : [];
        };
        await expect.poll(() => attemptsOf().map((r) => r.answered), { timeout: 45_000 }).toEqual([500, 200]);
        const [failed, retried] = attemptsOf();
        expect(retried!.body).toBe(failed!.body);
        expect(signedWith(secret, failed!)).toBe(true);
        expect(signedWith(secret, retried!)).toBe(true);
        expect(JSON.parse(retried!.body)).toMatchObject({
          type: 'message.received',
          data: { message: { text: '@acme_sav mon colis est perdu' }, case: { contact: { handle } } },
        });

        // Sending the test opened the card's delivery log; it refreshes by itself.
        await expect(card.getByTestId('webhook-log')).toBeVisible();
        const log = card.locator(`[data-testid="webhook-log-row"][data-delivery="${failed!.delivery}"]`);
        await expect(log).toHaveCount(2);
        await expect(log.first()).toHaveAttribute('data-status', 'delivered');
        await expect(log.last()).toHaveAttribute('data-status', 'failed');
        await expect(log.last()).toContainText('HTTP 500');
        await page.screenshot({ path: `${shots}/webhook-log-${lang}.png`, fullPage: true });
      } finally {
        // Gone with its receiver, so later specs do not watch it fail.
        const list = await page.request.get('/api/outgoing-webhooks');
        if (list.ok()) {
          const { webhooks } = (await list.json()) as { webhooks: { id: string; url: string }[] };
          for (const hook of webhooks.filter((w) => w.url === receiver.url)) {
            await page.request.delete(`/api/outgoing-webhooks/${hook.id}`);
          }
        }
        await receiver.close();
      }
    });

    test('the Channels screen shows the set-up checklist of the sandbox brand and writes a bio', async ({ page }) => {
      await signIn(page);
      await page.goto('/channels');
      const card = page.locator('[data-testid="channel-card"][data-handle="acme_sav"]');
      const checklist = card.getByTestId('account-checklist');
      await expect(checklist).toBeVisible();
      const state = (item: string) => checklist.locator(`[data-testid="account-checklist-item"][data-item="${item}"]`);
      await expect(state('supportHandle')).toHaveAttribute('data-state', 'ok');
      await expect(state('bio')).toHaveAttribute('data-state', 'ok');
      await expect(state('helpLink')).toHaveAttribute('data-state', 'ok');
      await expect(state('dmsOpen')).toHaveAttribute('data-state', 'unknown');
      await expect(state('pinnedPost')).toHaveAttribute('data-state', 'todo');
      await expect(state('profilePicture')).toHaveAttribute('data-state', 'todo');
      await expect(checklist.getByTestId('account-checklist-progress')).toHaveText(
        fr ? '3 sur 6 en place' : '3 of 6 done',
      );
      await expect(state('pinnedPost')).toContainText(fr ? 'Épinglez une publication' : 'Pin a post');
      await checklist.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}/account-checklist-${lang}.png`, fullPage: true });

      await checklist.getByTestId('account-checklist-bio').click();
      const text = page.getByTestId('bio-writer-text');
      await expect(text).toHaveValue(fr ? /^Service client Acme/ : /^Acme customer care/);
      const count = await page.getByTestId('bio-writer-count').textContent();
      expect(Number(/^(\d+)/.exec(count ?? '')?.[1])).toBeLessThanOrEqual(160);
      await page.screenshot({ path: `${shots}/bio-writer-${lang}.png` });
    });
  });
}
