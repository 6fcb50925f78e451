import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CaseDetail, CaseList, Message } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * X Activity API events (fixtures/x/xaa-*.json, our own, written from X's documented event payload
 * examples: the `{ data: { event_uuid, filter, event_type, tag, payload, includes } }` envelope, v2 Posts,
 * `direct_message_events` + wrapped `users`, wrapped follow `source`/`target`, likes with a `direction`)
 * delivered signed to the channel's webhook URL, as X delivers them: each must end as an agent expects.
 */

const BRAND_ID = '1400000000000000001';
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/x/${name}`, import.meta.url), 'utf8');

describe.each(TEST_DIALECTS)('X Activity API payloads (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  let channelId: string;

  beforeEach(async () => {
    app = await createTestApp({ dialect });
    cookie = await app.signIn();
    channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    const enabled = await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channelId}`,
      headers: { cookie },
      payload: { webhooks: true },
    });
    expect(enabled.statusCode).toBe(200);
    await app.deps.db.updateTable('channels').set({ external_account_id: BRAND_ID }).execute();
  });
  afterEach(async () => {
    await app.close();
  });

  async function deliver(name: string): Promise<void> {
    const body = fixture(name);
    const secret = app.deps.sandbox!.instance.appCredentials.appSecret;
    const response = await app.http.inject({
      method: 'POST',
      url: `/webhooks/x/${channelId}`,
      headers: {
        'content-type': 'application/json',
        'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', secret).update(body).digest('base64'),
      },
      payload: body,
    });
    expect(response.json()).toEqual({ ok: true });
  }

  async function messages(): Promise<Message[]> {
    const list = (await app.http.inject({ url: '/api/cases?view=all', headers: { cookie } })).json() as CaseList;
    const out: Message[] = [];
    for (const c of list.cases) {
      const detail = (await app.http.inject({ url: `/api/cases/${c.id}`, headers: { cookie } })).json() as CaseDetail;
      out.push(...detail.messages);
    }
    return out;
  }

  it('post.mention.create with a photo: a case with the whole text and the photo', async () => {
    await deliver('xaa-mention-photo.json');
    const [message] = await messages();
    expect(message).toMatchObject({
      externalId: '2096500000000000101',
      text: '@acme_sav le colis est arrivé écrasé, voir la photo https://t.co/PhXaA7b2c1',
    });
    expect(message!.attachments.media).toEqual([
      expect.objectContaining({
        type: 'photo',
        url: 'https://pbs.twimg.com/media/GxPhOtO1aBc.jpg',
        altText: 'Carton écrasé sur le palier',
        textUrl: 'https://t.co/PhXaA7b2c1',
        private: false,
      }),
    ]);
    // The photo's own link is the photo, not a link the customer wrote.
    expect(message!.attachments.links).toEqual([]);
  });

  it('post.reply.create with a link: a case with the link expanded and its title', async () => {
    await deliver('xaa-reply-link.json');
    const [message] = await messages();
    expect(message).toMatchObject({ externalId: '2096500000000000201' });
    expect(message!.attachments.links).toEqual([
      expect.objectContaining({
        url: 'https://t.co/Lk9Trk0001',
        expandedUrl: 'https://suivi.example.com/colis/4411',
        title: 'Suivi du colis 4411',
      }),
    ]);
  });

  it('dm.received with a photo and with a link: DM cases, the photo private, the link expanded', async () => {
    await deliver('xaa-dm-received-photo.json');
    await deliver('xaa-dm-received-link.json');
    const all = await messages();
    const photo = all.find((m) => m.externalId === '2096500000000000301')!;
    expect(photo.attachments.media).toEqual([
      expect.objectContaining({ type: 'photo', private: true, mediaKey: '3_2096500000000000302' }),
    ]);
    const link = all.find((m) => m.externalId === '2096500000000000401')!;
    expect(link.attachments.links).toEqual([
      expect.objectContaining({ expandedUrl: 'https://suivi.example.com/colis/4411' }),
    ]);
    const author = await app.deps.db.selectFrom('identities').select(['external_id', 'handle']).execute();
    expect(author).toEqual([{ external_id: '1500000000000000001', handle: 'jane_doe' }]);
  });

  it('dm.sent, the brand’s own like and follow open nothing; a customer’s like and follow are signals', async () => {
    await deliver('xaa-dm-sent.json');
    await deliver('xaa-like-brand-own.json');
    await deliver('xaa-follow-brand-own.json');
    expect(await app.deps.db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await app.deps.db.selectFrom('cases').select('id').execute()).toEqual([]);
    const signals = () =>
      app.deps.db
        .selectFrom('events')
        .select(['type', 'payload'])
        .where('type', 'in', ['signal.liked', 'contact.followed'])
        .orderBy('type')
        .execute();
    expect(await signals()).toEqual([]);
    await deliver('xaa-like-inbound.json');
    await deliver('xaa-follow.json');
    const after = await signals();
    expect(after.map((e) => e.type)).toEqual(['contact.followed', 'signal.liked']);
    expect(JSON.parse(after[1]!.payload)).toMatchObject({ by: 'jane_doe', postId: '2096300000000000001' });
    // Every delivered event is billed: 1 DM, 2 likes, 2 follows.
    const usage = await app.deps.db
      .selectFrom('channel_usage')
      .select(['category', 'units'])
      .orderBy('category')
      .execute();
    expect(usage.map((u) => [u.category, Number(u.units)])).toEqual([
      ['xaa_dm_event', 1],
      ['xaa_follow_event', 2],
      ['xaa_like_event', 2],
    ]);
  });

  it('an event for another subscribed account is not this channel’s', async () => {
    const other = fixture('xaa-mention-photo.json').replace(
      '"filter": {\n      "user_id": "1400000000000000001"',
      '"filter": {\n      "user_id": "1400000000000000009"',
    );
    expect(other).toContain('1400000000000000009');
    const secret = app.deps.sandbox!.instance.appCredentials.appSecret;
    const response = await app.http.inject({
      method: 'POST',
      url: `/webhooks/x/${channelId}`,
      headers: {
        'content-type': 'application/json',
        'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', secret).update(other).digest('base64'),
      },
      payload: other,
    });
    expect(response.statusCode).toBe(200);
    expect(await app.deps.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });
});
