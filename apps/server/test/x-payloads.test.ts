import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwitterApiXClient, createXConnector, type InboundItem } from '@guichet/connectors';
import type { CaseDetail, CaseList, Message } from '@guichet/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * Issue 12: X payloads with photos, videos, links, long text and ids above 2^53 (fixtures/x, written from
 * X's documented shapes) go through BOTH real inbound paths — signed v1.1 deliveries to /webhooks/x/:channel,
 * and v2 answers read by the real X client and connector from a stand-in for api.x.com, then `ingestPage` —
 * and must end as an agent expects: a case with the whole text and every link and media, or nothing.
 */

const BRAND_ID = '1400000000000000001';
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/x/${name}`, import.meta.url), 'utf8');

/** Stands in for api.x.com: answers /2/users/me, and the mentions or DM events of the fixture it is given. */
class FakeX {
  server = http.createServer((req, res) => this.answer(req, res));
  requests: URL[] = [];
  body = '{}';
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(url);
    const body =
      url.pathname === '/2/users/me'
        ? JSON.stringify({ data: { id: BRAND_ID, name: 'Acme SAV', username: 'acme_sav' } })
        : this.body;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

describe.each(TEST_DIALECTS)('X payloads with media, links and long ids (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  let channelId: string;
  const fakeX = new FakeX();

  beforeAll(() => fakeX.start());
  afterAll(() => fakeX.close());
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
    // The fixtures' brand: the channel is the account they were written for.
    await app.deps.db.updateTable('channels').set({ external_account_id: BRAND_ID }).execute();
  });
  afterEach(async () => {
    await app.close();
  });

  /** The delivery byte for byte, signed as X signs it. */
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

  /** The v2 answer read by the real client and connector, then handed to ingestion as a poll would. */
  async function poll(name: string, feed: 'mentions' | 'dms'): Promise<void> {
    fakeX.body = fixture(name);
    fakeX.requests = [];
    const client = createTwitterApiXClient({
      credentials: { kind: 'oauth2-user', accessToken: 'fixture-token' },
      apiBaseUrl: fakeX.url,
    });
    const connector = createXConnector({ client });
    const result =
      feed === 'mentions'
        ? await connector.fetchMentions({ cursor: null })
        : await connector.fetchDirectMessages!({ cursor: null });
    const channel = await app.deps.db.selectFrom('channels').selectAll().executeTakeFirstOrThrow();
    await ingestPage(app.deps, { channel, feed, items: result.items as InboundItem[] });
    // The client asked X for the media and the links.
    const asked = fakeX.requests.find((u) => u.pathname !== '/2/users/me')!.searchParams;
    expect(asked.get('expansions')).toContain('attachments.media_keys');
    expect(asked.get('media.fields')).toBe(
      'media_key,type,url,preview_image_url,alt_text,duration_ms,width,height,variants',
    );
    expect(asked.get(feed === 'mentions' ? 'tweet.fields' : 'dm_event.fields')).toMatch(
      /attachments.*entities|entities.*attachments/,
    );
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

  const through = async (path: 'v1' | 'v2', name: string, feed: 'mentions' | 'dms' = 'mentions') =>
    path === 'v1' ? deliver(`${name}.v1.json`) : poll(`${name}.v2.json`, feed);

  const NO_MEDIA = { previewUrl: null, videoUrl: null, durationMs: null };

  it.each(['v1', 'v2'] as const)('a mention with only a photo is a case with the photo (%s)', async (path) => {
    await through(path, 'photo-only-mention');
    const [message] = await messages();
    expect(message).toMatchObject({ text: '@acme_sav https://t.co/Xy7pQ2mZ1a', externalId: '2090439504425914385' });
    expect(message!.attachments).toEqual({
      media: [
        {
          type: 'photo',
          mediaKey: '3_2090439400000000001',
          url: 'https://pbs.twimg.com/media/GvXk2aPWoAA3bQz.jpg',
          ...NO_MEDIA,
          width: 1600,
          height: 1200,
          altText: 'The parcel, crushed on one side, tape torn open',
          textUrl: 'https://t.co/Xy7pQ2mZ1a',
          private: false,
        },
      ],
      links: [],
    });
    const filtered = await app.deps.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'inbound.filtered')
      .execute();
    expect(filtered).toEqual([]);
  });

  it.each(['v1', 'v2'] as const)('a mention with only a link is a case with the link expanded (%s)', async (path) => {
    await through(path, 'link-only-mention');
    const [message] = await messages();
    expect(message!.text).toBe('@acme_sav https://t.co/L1nk0nLy9z');
    expect(message!.attachments.media).toEqual([]);
    expect(message!.attachments.links).toEqual([
      {
        url: 'https://t.co/L1nk0nLy9z',
        expandedUrl: 'https://track.example.com/parcel/4411',
        displayUrl: 'track.example.com/parcel/4411',
        // Only v2 gives the landing page's title (v1.1 only in enriched deliveries).
        title: path === 'v2' ? 'Parcel 4411: delivery attempted' : null,
        description: path === 'v2' ? 'Tracking for parcel 4411' : null,
        unwoundUrl: path === 'v2' ? 'https://track.example.com/parcel/4411?lang=en' : null,
      },
    ]);
  });

  it.each(['v1', 'v2'] as const)(
    'a 280-character post keeps its whole text and its one real link (%s)',
    async (path) => {
      await through(path, 'truncated-280');
      const [message] = await messages();
      expect([...message!.text]).toHaveLength(280);
      expect(message!.text.endsWith('is listed here: https://t.co/T1meL1ne42')).toBe(true);
      // Not the truncated form's link to the post itself (twitter.com/i/web/status/…).
      expect(message!.attachments.links.map((l) => l.expandedUrl)).toEqual([
        'https://help.example.org/threads/line-4411-timeline',
      ]);
    },
  );

  it.each(['v1', 'v2'] as const)('a DM with a photo keeps it, marked private (%s)', async (path) => {
    await through(path, 'dm-photo', 'dms');
    const [message] = await messages();
    expect(message).toMatchObject({
      visibility: 'direct',
      text: 'Here is the label on the box https://t.co/DmPh0t0Ab1',
    });
    expect(message!.attachments.media).toEqual([
      expect.objectContaining({
        type: 'photo',
        mediaKey: '3_2090445400000000005',
        url: 'https://ton.twitter.com/1.1/ton/data/dm/2090445500000000004/2090445400000000005/Qm9vZ2xl.jpg',
        width: 1200,
        height: 1600,
        private: true,
      }),
    ]);
  });

  it.each(['v1', 'v2'] as const)('a DM with a link keeps it expanded (%s)', async (path) => {
    await through(path, 'dm-link', 'dms');
    const [message] = await messages();
    expect(message!.attachments.links).toEqual([
      expect.objectContaining({
        url: 'https://t.co/DmL1nk0042',
        expandedUrl: 'https://shop.example.com/orders/4411',
        displayUrl: 'shop.example.com/orders/4411',
      }),
    ]);
  });

  it.each(['v1', 'v2'] as const)('a video post keeps its poster, duration and best mp4 (%s)', async (path) => {
    await through(path, 'video-post');
    const [message] = await messages();
    expect(message!.attachments.media).toEqual([
      {
        type: 'video',
        mediaKey: '7_2090447600000000008',
        url: null,
        previewUrl: 'https://pbs.twimg.com/amplify_video_thumb/2090447600000000008/img/Th8mB.jpg',
        videoUrl: 'https://video.twimg.com/amplify_video/2090447600000000008/vid/avc1/1280x720/Hi.mp4?tag=14',
        width: 1280,
        height: 720,
        altText: null,
        durationMs: 14233,
        textUrl: 'https://t.co/V1de0Po5t7',
        private: false,
      },
    ]);
    expect(message!.attachments.links).toEqual([]);
  });

  it.each(['v1', 'v2'] as const)('ids above 2^53 are kept exactly (%s)', async (path) => {
    await through(path, 'big-id');
    const [message] = await messages();
    expect(message!.externalId).toBe('1850000000000000001');
    expect(message!.externalUrl).toBe('https://x.com/jane_doe/status/1850000000000000001');
    const stored = await app.deps.db
      .selectFrom('messages')
      .select(['external_id', 'in_reply_to_external_id'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ external_id: '1850000000000000001', in_reply_to_external_id: '1849999999999999999' });
    const identity = await app.deps.db.selectFrom('identities').select('external_id').executeTakeFirstOrThrow();
    expect(identity.external_id).toBe('1500000000000000001');
  });

  it('the brand’s own like and follow leave nothing; a customer’s like is only a signal (v1)', async () => {
    await deliver('brand-own-like.v1.json');
    await deliver('brand-own-follow.v1.json');
    const signals = () =>
      app.deps.db
        .selectFrom('events')
        .select(['type', 'payload'])
        .where('type', 'in', ['signal.liked', 'contact.followed'])
        .execute();
    expect(await signals()).toEqual([]);
    await deliver('customer-like.v1.json');
    const after = await signals();
    expect(after.map((e) => [e.type, JSON.parse(e.payload).by, JSON.parse(e.payload).postId])).toEqual([
      ['signal.liked', 'jane_doe', '2090449800000000010'],
    ]);
    expect(await app.deps.db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await app.deps.db.selectFrom('cases').select('id').execute()).toEqual([]);
  });
});
