/**
 * Contract tests (see contract-kit.ts) for the X Activity API: subscriptions (create, list, update, delete)
 * and the persistent activity stream, called through twitter-api-v2 and validated against the official spec.
 * Each stream message on the wire is validated as one `activityStream` 200 body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ETwitterStreamEvent } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { api, apiError, contractHarness } from './contract-kit.ts';
import { webhookSignature } from './webhooks.ts';

const { client, onCleanup, start } = contractHarness({
  expectCoverage: {
    createActivitySubscription: [200, 400, 403, 409],
    getActivitySubscriptions: [200],
    updateActivitySubscription: [200],
    deleteActivitySubscription: [200, 404],
    deleteActivitySubscriptionsByIds: [200],
    activityStream: [200, 400],
  },
});

interface Envelope {
  data: {
    event_uuid: string;
    event_type: string;
    filter: { user_id?: string };
    tag?: string;
    payload: any;
    includes?: any;
  };
}

/** Waits (on the condition, with a deadline) until `list` holds `n` entries. */
async function until<T>(list: T[], n: number, deadlineMs = 3000): Promise<T[]> {
  const end = Date.now() + deadlineMs;
  while (list.length < n) {
    if (Date.now() > end) throw new Error(`waited for ${n}, got ${list.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return list;
}

describe('contract: /2/activity/subscriptions', () => {
  it('creates, lists, updates and deletes subscriptions with X’s shapes and refusals', async () => {
    const { sb, brand, camille, app } = await start();
    const created = await app.v2.post('activity/subscriptions', {
      event_type: 'dm.received',
      filter: { user_id: brand.user.id },
      tag: 'desk',
    });
    const subscription = created.data.subscription;
    expect(subscription).toMatchObject({ event_type: 'dm.received', filter: { user_id: brand.user.id }, tag: 'desk' });
    expect(subscription.subscription_id).toMatch(/^\d{1,19}$/);

    // The same event and filter twice: a conflict. A private event for someone else: forbidden.
    const dup = await apiError(
      app.v2.post('activity/subscriptions', { event_type: 'dm.received', filter: { user_id: brand.user.id } }),
    );
    expect(dup.code).toBe(409);
    const camilleClient = client(sb.issueUserCredentials(camille.user.id).token);
    const other = await apiError(
      camilleClient.v2.post('activity/subscriptions', {
        event_type: 'dm.received',
        filter: { user_id: brand.user.id },
      }),
    );
    expect(other.code).toBe(403);
    const bad = await apiError(
      app.v2.post('activity/subscriptions', { event_type: 'dm.received', filter: { handle: 'x' } }),
    );
    expect(bad.code).toBe(400);

    // The user may subscribe to their own private events; likes with the documented direction filter.
    await camilleClient.v2.post('activity/subscriptions', {
      event_type: 'like.create',
      filter: { user_id: camille.user.id, direction: 'inbound' },
    });
    const listed = await app.v2.get('activity/subscriptions');
    expect(listed.data).toHaveLength(2);
    expect(listed.meta.result_count).toBe(2);

    const updated = await app.v2.put(`activity/subscriptions/${subscription.subscription_id}`, { tag: 'renamed' });
    expect(updated.data.subscription.tag).toBe('renamed');

    const deleted = await app.v2.delete(`activity/subscriptions/${subscription.subscription_id}`);
    expect(deleted).toMatchObject({ data: { deleted: true }, meta: { total_subscriptions: 1 } });
    const gone = await apiError(app.v2.delete(`activity/subscriptions/${subscription.subscription_id}`));
    expect(gone.code).toBe(404);
    const rest = listed.data.find((s: { event_type: string }) => s.event_type === 'like.create');
    const bulk = await app.v2.delete('activity/subscriptions', { ids: rest.subscription_id });
    expect(bulk.data.deleted).toBe(true);
  });
});

describe('contract: GET /2/activity/stream', () => {
  it('delivers mentions, DMs both ways, follows and inbound likes as spec envelopes', async () => {
    const { sb, brand, camille, app } = await start();
    const me = brand.user.id;
    for (const event_type of ['post.mention.create', 'dm.received', 'dm.sent', 'follow.follow']) {
      await app.v2.post('activity/subscriptions', { event_type, filter: { user_id: me } });
    }
    await app.v2.post('activity/subscriptions', {
      event_type: 'like.create',
      filter: { user_id: me, direction: 'inbound' },
    });
    const received: Envelope[] = [];
    const stream = await app.v2.getStream<Envelope>('activity/stream');
    onCleanup(() => stream.close());
    stream.on(ETwitterStreamEvent.Data, (message) => received.push(message));

    const mention = sb.post(camille.user.id, { text: '@acme_support mon colis est arrivé ouvert' });
    sb.sendDm(camille.user.id, me, 'Bonjour, commande 4411');
    sb.sendDm(me, camille.user.id, 'Nous regardons');
    sb.follow(camille.user.id, me);
    const ours = sb.post(me, { text: 'Nos horaires changent demain' });
    sb.like(camille.user.id, ours.id);
    // The brand liking someone else's post is outbound: the inbound-only subscription stays quiet.
    sb.like(me, mention.id);

    await until(received, 5);
    const types = received.map((e) => e.data.event_type);
    expect(types).toEqual(['post.mention.create', 'dm.received', 'dm.sent', 'follow.follow', 'like.create']);
    for (const e of received) {
      expect(e.data.filter.user_id).toBe(me);
      expect(e.data.event_uuid).toMatch(/^\d{1,19}$/);
    }
    expect(received[0]!.data.payload).toMatchObject({ id: mention.id, author_id: camille.user.id });
    const dm = received[1]!.data.payload.direct_message_events[0];
    expect(dm.message_create.sender_id).toBe(camille.user.id);
    expect(received[1]!.data.payload.users[camille.user.id].data.username).toBe('camille_durand');
    expect(received[3]!.data.payload.source.id).toBe(camille.user.id);
    expect(received[4]!.data.payload).toMatchObject({ liked_tweet_id: ours.id, tweet_author_id: me });
    // Billed per delivered event: DMs at $0.010, posts at $0.005 (contract §11.3).
    const day = Object.values(sb.costs().apps)[0]!.days;
    const items = Object.values(day)[0]!.items;
    expect(items.activity_dm_event).toEqual({ count: 2, usd: 0.02 });
    expect(items.activity_post_event).toEqual({ count: 1, usd: 0.005 });
  });

  it('replays up to 5 minutes with backfill_minutes, and refuses more', async () => {
    const { sb, brand, camille, app } = await start();
    await app.v2.post('activity/subscriptions', { event_type: 'dm.received', filter: { user_id: brand.user.id } });
    sb.sendDm(camille.user.id, brand.user.id, 'pendant la coupure');
    const tooMuch = await apiError(app.v2.get('activity/stream', { backfill_minutes: 6 }));
    expect(tooMuch.code).toBe(400);
    const received: Envelope[] = [];
    const stream = await app.v2.getStream<Envelope>('activity/stream', { backfill_minutes: 5 });
    onCleanup(() => stream.close());
    stream.on(ETwitterStreamEvent.Data, (message) => received.push(message));
    await until(received, 1);
    expect(received[0]!.data.payload.direct_message_events[0].message_create.message_data.text).toBe(
      'pendant la coupure',
    );
  });

  it('posts each event to the subscription’s webhook, signed like Account Activity deliveries', async () => {
    const { sb, brand, camille, app } = await start({ webhookRetryDelaysMs: [] });
    const bodies: { body: string; signature: string | undefined }[] = [];
    const receiver = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const token = url.searchParams.get('crc_token');
      if (token) {
        res.end(JSON.stringify({ response_token: webhookSignature(sb.appCredentials.appSecret, token) }));
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push({ body, signature: req.headers['x-twitter-webhooks-signature'] as string | undefined });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    onCleanup(() => new Promise<void>((r) => receiver.close(() => r())));
    const hook = await app.v2.post('webhooks', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/x/c1`,
    });
    await app.v2.post('activity/subscriptions', {
      event_type: 'dm.received',
      filter: { user_id: brand.user.id },
      webhook_id: hook.data.id,
    });
    sb.sendDm(camille.user.id, brand.user.id, 'par webhook');
    await sb.webhooksIdle();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.signature).toBe(webhookSignature(sb.appCredentials.appSecret, bodies[0]!.body));
    const envelope = JSON.parse(bodies[0]!.body) as Envelope;
    expect(envelope.data.event_type).toBe('dm.received');
    expect(api.validateResponse(envelope, 'activityStream', 200).errors ?? []).toEqual([]);
  });
});
