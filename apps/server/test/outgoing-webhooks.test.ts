import type {
  AuditList,
  OutgoingWebhook,
  OutgoingWebhookDeliveryList,
  OutgoingWebhookList,
  OutgoingWebhookWithSecret,
} from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { RETRY_DELAYS_MS } from '../src/modules/outgoing-webhooks/outgoing-webhooks.job.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';
import { startWebhookReceiver, verifySignature, type WebhookReceiver } from './webhook-receiver.ts';

/** Outgoing webhooks (F29) through the whole desk: events → scheduler round → job outbox → signed POST. */
describe.each(TEST_DIALECTS)('outgoing webhooks (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  let receiver: WebhookReceiver;
  const { start, api, mention, waitForCase } = deskClient(() => app);
  afterEach(async () => {
    await receiver?.close();
    await app.close();
  });

  async function setUp(events: string[]) {
    ({ app, clock } = await start({ dialect, at: '2026-05-04T09:00:00.000Z' }));
    receiver = await startWebhookReceiver();
    const created = await api<OutgoingWebhookWithSecret>('POST', '/api/outgoing-webhooks', {
      url: receiver.url,
      events,
      allowPrivate: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }
  const deliveries = async (id: string) =>
    (await api<OutgoingWebhookDeliveryList>('GET', `/api/outgoing-webhooks/${id}/deliveries`)).body.deliveries;
  const webhook = async (id: string) =>
    (await api<OutgoingWebhookList>('GET', '/api/outgoing-webhooks')).body.webhooks.find((w) => w.id === id)!;

  it('delivers case and message events signed with the secret shown once, each event once', async () => {
    const { webhook: hook, secret } = await setUp(['case.created', 'message.received']);
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await api('GET', '/api/outgoing-webhooks')).body)).not.toContain(secret);
    mention('lea_martin', '@acme_sav ma commande #4411 n’est jamais arrivée');
    const found = await waitForCase(clock, 'lea_martin');
    await app.pollAndWork();

    expect(receiver.received.map((r) => r.headers['x-guichet-event']).sort()).toEqual([
      'case.created',
      'message.received',
    ]);
    for (const delivery of receiver.received) {
      const { valid, timestamp } = verifySignature(secret, delivery);
      expect(valid).toBe(true);
      expect(timestamp).toBe(Math.floor(clock.now().getTime() / 1000));
      expect(verifySignature('whsec_wrong', delivery).valid).toBe(false);
      expect(delivery.headers['content-type']).toBe('application/json');
    }
    const message = JSON.parse(
      receiver.received.find((r) => r.headers['x-guichet-event'] === 'message.received')!.body,
    );
    expect(message).toMatchObject({
      type: 'message.received',
      workspaceId: expect.any(String),
      data: {
        case: { id: found!.id, contact: { handle: 'lea_martin' } },
        message: { text: '@acme_sav ma commande #4411 n’est jamais arrivée', direction: 'inbound' },
      },
    });
    expect(message.id).toBe(
      receiver.received.find((r) => r.body === JSON.stringify(message))!.headers['x-guichet-delivery'],
    );

    // Later rounds (a restarted scheduler reads the same window again) send nothing twice.
    clock.advanceBy(60_000);
    await app.pollAndWork();
    await app.pollAndWork();
    expect(receiver.received).toHaveLength(2);
    const log = await deliveries(hook.id);
    expect(log.map((d) => [d.status, d.attempt, d.responseStatus])).toEqual([
      ['delivered', 1, 200],
      ['delivered', 1, 200],
    ]);
    expect((await webhook(hook.id)).lastAttempt).toMatchObject({ status: 'delivered', responseStatus: 200 });
  });

  it('tells about SLA breaches, replies sent and cases resolved', async () => {
    const { webhook: hook } = await setUp(['sla.breached', 'reply.sent', 'case.resolved']);
    mention('nina_p', '@acme_sav remboursement toujours pas reçu, c’est inadmissible');
    const found = await waitForCase(clock, 'nina_p');
    // Longer than any default first-response target: the sweep records the breach, the next round sends it.
    clock.advanceBy(25 * 3_600_000);
    await app.pollAndWork();
    await app.pollAndWork();
    const breach = receiver.received.find((r) => r.headers['x-guichet-event'] === 'sla.breached');
    expect(JSON.parse(breach!.body)).toMatchObject({
      type: 'sla.breached',
      data: { case: { id: found!.id }, breach: { metric: 'first_response' } },
    });

    const detail = (await api<{ messages: { id: string }[] }>('GET', `/api/cases/${found!.id}`)).body;
    const reply = await api('POST', `/api/cases/${found!.id}/replies`, {
      text: '@nina_p Nous regardons votre remboursement tout de suite.',
      inReplyToMessageId: detail.messages[0]!.id,
    });
    expect(reply.status).toBe(202);
    await app.pollAndWork();
    clock.advanceBy(60_000);
    expect((await api('POST', `/api/cases/${found!.id}/status`, { status: 'resolved' })).status).toBe(200);
    await app.pollAndWork();
    await app.pollAndWork();
    const events = receiver.received.map((r) => r.headers['x-guichet-event']);
    expect(events.filter((e) => e === 'reply.sent')).toHaveLength(1);
    expect(events.filter((e) => e === 'case.resolved')).toHaveLength(1);
    expect(events).not.toContain('message.received');
    const sent = JSON.parse(receiver.received.find((r) => r.headers['x-guichet-event'] === 'reply.sent')!.body);
    expect(sent.data.message).toMatchObject({
      direction: 'outbound',
      text: '@nina_p Nous regardons votre remboursement tout de suite.',
    });
    const resolved = JSON.parse(receiver.received.find((r) => r.headers['x-guichet-event'] === 'case.resolved')!.body);
    expect(resolved.data).toMatchObject({ case: { status: 'resolved' }, resolvedBy: { type: 'agent' } });
    expect((await deliveries(hook.id)).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('retries a delivery the receiver refused with a 500, later, with the same body and id', async () => {
    const { webhook: hook, secret } = await setUp(['message.received']);
    receiver.answer(500);
    mention('hugo_b', '@acme_sav mon colis est bloqué depuis une semaine');
    await waitForCase(clock, 'hugo_b');
    await app.pollAndWork();
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(hook.id)).map((d) => [d.status, d.attempt, d.responseStatus])).toEqual([
      ['failed', 1, 500],
    ]);
    expect((await webhook(hook.id)).failureCount).toBe(1);

    // Not before its time: the retry waits for its backoff on the queue.
    await app.worker.drain();
    expect(receiver.received).toHaveLength(1);
    clock.advanceBy(RETRY_DELAYS_MS[0]! * 1.2 + 1);
    await app.worker.drain();
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['x-guichet-delivery']).toBe(first!.headers['x-guichet-delivery']);
    expect(verifySignature(secret, second!).valid).toBe(true);
    expect((await deliveries(hook.id)).map((d) => [d.status, d.attempt, d.responseStatus])).toEqual([
      ['delivered', 2, 200],
      ['failed', 1, 500],
    ]);
    expect((await webhook(hook.id)).failureCount).toBe(0);
  });

  it('switches a webhook off after ten failures in a row, with a reason and an audit line', async () => {
    const { webhook: hook } = await setUp(['case.created', 'message.received']);
    receiver.answer(...Array.from({ length: 40 }, () => 503));
    mention('zoe_l', '@acme_sav le site est en panne ?');
    await waitForCase(clock, 'zoe_l');
    await app.pollAndWork();
    for (let round = 0; round < 8 && (await webhook(hook.id)).enabled; round++) {
      clock.advanceBy(RETRY_DELAYS_MS[round]! * 1.2 + 1);
      await app.worker.drain();
    }
    const off = await webhook(hook.id);
    expect(off).toMatchObject({ enabled: false, disabledReason: 'too_many_failures', failureCount: 10 });
    expect(receiver.received).toHaveLength(10);
    // The deliveries still queued end without another request once it is off.
    clock.advanceBy(RETRY_DELAYS_MS.at(-1)! * 2);
    await app.worker.drain();
    expect(receiver.received).toHaveLength(10);
    const audit = (await api<AuditList>('GET', '/api/audit?action=outgoing_webhook.disabled')).body.entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: { type: 'system' },
      subject: { type: 'outgoing_webhook', id: hook.id },
      details: { reason: 'too_many_failures', failures: 10 },
    });

    // Switched back on by an admin: a fresh start.
    const on = await api<OutgoingWebhook>('PATCH', `/api/outgoing-webhooks/${hook.id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, failureCount: 0, disabledReason: null });
  });

  it('sends a test delivery from the admin screen, once, even to a webhook switched off', async () => {
    const { webhook: hook, secret } = await setUp(['reply.sent']);
    await api('PATCH', `/api/outgoing-webhooks/${hook.id}`, { enabled: false });
    receiver.answer(500);
    const test = await api<{ deliveryId: string }>('POST', `/api/outgoing-webhooks/${hook.id}/test`, {});
    expect(test.status).toBe(202);
    await app.worker.drain();
    clock.advanceBy(60_000);
    await app.worker.drain();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['x-guichet-event']).toBe('webhook.test');
    expect(verifySignature(secret, receiver.received[0]!).valid).toBe(true);
    expect((await deliveries(hook.id)).map((d) => [d.event, d.status])).toEqual([['webhook.test', 'abandoned']]);
    expect((await webhook(hook.id)).failureCount).toBe(0);
  });

  it('refuses loopback, private, link-local and metadata addresses unless private ones are allowed', async () => {
    ({ app, clock } = await start({ dialect }));
    receiver = await startWebhookReceiver();
    const refused = [
      ['https://127.0.0.1/hook', 'outgoing_webhook.address_refused'],
      ['https://10.12.0.7/hook', 'outgoing_webhook.address_refused'],
      ['https://172.20.1.1/hook', 'outgoing_webhook.address_refused'],
      ['https://192.168.1.20/hook', 'outgoing_webhook.address_refused'],
      ['https://100.64.3.2/hook', 'outgoing_webhook.address_refused'],
      ['https://169.254.169.254/latest/meta-data/', 'outgoing_webhook.address_refused'],
      ['https://224.0.0.1/hook', 'outgoing_webhook.address_refused'],
      ['https://[::1]/hook', 'outgoing_webhook.address_refused'],
      ['https://[::ffff:127.0.0.1]/hook', 'outgoing_webhook.address_refused'],
      ['https://[fd00::1]/hook', 'outgoing_webhook.address_refused'],
      ['https://[fe80::1]/hook', 'outgoing_webhook.address_refused'],
      ['https://localhost/hook', 'outgoing_webhook.address_refused'],
      ['http://93.184.215.14/hook', 'outgoing_webhook.url_not_https'],
      ['ftp://93.184.215.14/hook', 'outgoing_webhook.url_not_https'],
      ['https://user:pass@93.184.215.14/hook', 'outgoing_webhook.url_has_credentials'],
      ['not a url', 'outgoing_webhook.url_invalid'],
    ] as const;
    for (const [url, code] of refused) {
      const response = await api<{ error: { code: string } }>('POST', '/api/outgoing-webhooks', {
        url,
        events: ['case.created'],
      });
      expect([url, response.status, response.body.error.code]).toEqual([url, 400, code]);
    }
    expect((await api<OutgoingWebhookList>('GET', '/api/outgoing-webhooks')).body.webhooks).toEqual([]);

    // Allowed for a receiver on this machine, when the admin says so; taking the allowance back is checked too.
    const local = await api<OutgoingWebhookWithSecret>('POST', '/api/outgoing-webhooks', {
      url: receiver.url,
      events: ['case.created'],
      allowPrivate: true,
    });
    expect(local.status).toBe(201);
    const withdrawn = await api<{ error: { code: string } }>(
      'PATCH',
      `/api/outgoing-webhooks/${local.body.webhook.id}`,
      {
        allowPrivate: false,
      },
    );
    expect([withdrawn.status, withdrawn.body.error.code]).toEqual([400, 'outgoing_webhook.url_not_https']);
  });

  it('is for admins only, and audits every change without the secret', async () => {
    ({ app, clock } = await start({ dialect }));
    receiver = await startWebhookReceiver();
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await addAgent(app.deps, {
      workspaceId,
      email: 'lead2@acme.test',
      name: 'Léa Lead',
      role: 'lead',
      password: 'another long password',
    });
    const lead = await app.signIn({ email: 'lead2@acme.test', password: 'another long password' });
    expect((await api('GET', '/api/outgoing-webhooks', undefined, lead)).status).toBe(403);
    const payload = { url: receiver.url, events: ['case.created'], allowPrivate: true };
    expect((await api('POST', '/api/outgoing-webhooks', payload, lead)).status).toBe(403);

    const created = await api<OutgoingWebhookWithSecret>('POST', '/api/outgoing-webhooks', payload);
    const id = created.body.webhook.id;
    clock.advanceBy(1000);
    await api('PATCH', `/api/outgoing-webhooks/${id}`, { events: ['case.created', 'sla.breached'] });
    clock.advanceBy(1000);
    const rotated = await api<OutgoingWebhookWithSecret>('POST', `/api/outgoing-webhooks/${id}/secret`, {});
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    clock.advanceBy(1000);
    expect((await api('DELETE', `/api/outgoing-webhooks/${id}`)).status).toBe(204);

    const audit = (await api<AuditList>('GET', '/api/audit?action=outgoing_webhook')).body.entries;
    expect(audit.map((e) => e.action)).toEqual([
      'outgoing_webhook.deleted',
      'outgoing_webhook.secret_rotated',
      'outgoing_webhook.updated',
      'outgoing_webhook.created',
    ]);
    expect(audit[2]).toMatchObject({
      actor: { type: 'agent', label: 'lead@acme.test' },
      ip: '127.0.0.1',
      before: { events: ['case.created'], allowPrivate: true },
      after: { events: ['case.created', 'sla.breached'] },
    });
    const raw = JSON.stringify(await app.deps.db.selectFrom('audit_log').selectAll().execute());
    expect(raw).not.toContain(created.body.secret);
    expect(raw).not.toContain(rotated.body.secret);
  });
});
