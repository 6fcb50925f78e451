/**
 * Contract tests (see contract-kit.ts) for media and links: posts and DMs carrying photos, a GIF, a video
 * and links, read with the desk's fields (`attachments`, `expansions=attachments.media_keys`, `media.fields`,
 * `entities`) through twitter-api-v2, every answer validated against the v2.166 spec; the pictures are then
 * fetched from the sandbox's own media hosts (public for posts, participants' credentials for DMs).
 */
import { ETwitterStreamEvent } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { contractHarness, USER_FIELDS } from './contract-kit.ts';

const { client, onCleanup, start } = contractHarness({
  expectCoverage: {
    getUsersMentions: [200],
    getPostsByIds: [200],
    searchPostsRecent: [200],
    getDirectMessagesEvents: [200],
    streamPosts: [200],
  },
});

const MEDIA_FIELDS = 'media_key,type,url,preview_image_url,alt_text,duration_ms,width,height,variants';
const FIELDS = {
  'tweet.fields': 'author_id,created_at,conversation_id,entities,attachments,note_tweet,lang',
  'user.fields': USER_FIELDS,
  expansions: 'author_id,attachments.media_keys',
  'media.fields': MEDIA_FIELDS,
};
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('contract: media and links on posts', () => {
  it('names media in attachments, expands them in includes.media, and serves the pictures', async () => {
    const { sb, url, brand, camille } = await start();
    const photos = sb.post(camille.user.id, {
      text: '@acme_support',
      media: [
        { type: 'photo', image: 'parcel', altText: 'A crushed parcel on a doormat' },
        { type: 'photo', image: 'receipt' },
      ],
    });
    const gif = sb.post(camille.user.id, { text: '@acme_support encore ce bug', media: [{ type: 'animated_gif' }] });
    const video = sb.post(camille.user.id, { text: '@acme_support regardez', media: [{ type: 'video' }] });
    const link = sb.post(camille.user.id, { text: '@acme_support https://example.com/suivi/4411' });

    const v2 = client(brand.token).v2;
    const page = await v2.get(`users/${brand.user.id}/mentions`, { ...FIELDS, max_results: 10 });
    const byId = new Map((page.data as { id: string }[]).map((t) => [t.id, t as Record<string, any>]));
    const keys = photos.media!.map((m) => m.mediaKey);
    expect(byId.get(photos.id)!.attachments).toEqual({ media_keys: keys });
    // The text ends with the short link X adds for the media; its entity names the media and its page.
    const mediaLink = byId.get(photos.id)!.entities.urls[0];
    expect(photos.text).toBe(`@acme_support ${mediaLink.url}`);
    expect(mediaLink).toMatchObject({
      media_key: keys[0],
      expanded_url: `https://x.com/camille_durand/status/${photos.id}/photo/1`,
      display_url: expect.stringMatching(/^pic\.x\.com\//),
    });
    expect(byId.get(link.id)!.entities.urls).toEqual([
      expect.objectContaining({
        url: 'https://example.com/suivi/4411',
        expanded_url: 'https://example.com/suivi/4411',
      }),
    ]);
    expect(byId.get(link.id)!.attachments).toBeUndefined();

    const media = new Map((page.includes.media as Record<string, any>[]).map((m) => [m.media_key, m]));
    expect(media.get(keys[0])).toEqual({
      media_key: keys[0],
      type: 'photo',
      url: `${url}/media/${keys[0]}.png`,
      width: 480,
      height: 360,
      alt_text: 'A crushed parcel on a doormat',
    });
    expect(media.get(gif.media![0]!.mediaKey)).toMatchObject({
      type: 'animated_gif',
      preview_image_url: expect.any(String),
    });
    expect(media.get(video.media![0]!.mediaKey)).toMatchObject({ type: 'video', duration_ms: 12_480 });

    // The pictures: public, PNG; a GIF or video poster too.
    for (const m of media.values()) {
      const res = await fetch(m.url ?? m.preview_image_url);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4)).toEqual(PNG);
    }
    expect((await fetch(`${url}/media/3_1.png`)).status).toBe(404);

    const one = await v2.get('tweets', { ids: photos.id, ...FIELDS });
    expect(one.includes.media.map((m: { media_key: string }) => m.media_key)).toEqual(keys);
    const search = await v2.get('tweets/search/recent', { query: '@acme_support has:images', ...FIELDS });
    expect(search.data.map((t: { id: string }) => t.id)).toEqual([photos.id]);
  });

  it('streams posts with their media', async () => {
    const { sb, camille, app } = await start({ streamKeepAliveMs: 20 });
    await app.v2.updateStreamRules({ add: [{ value: '@acme_support has:media', tag: 'media' }] });
    const stream = await app.v2.searchStream(FIELDS as never);
    onCleanup(() => stream.close());
    const received = new Promise<Record<string, any>>((resolve) =>
      stream.on(ETwitterStreamEvent.Data, (msg) => resolve(msg as Record<string, any>)),
    );
    sb.post(camille.user.id, { text: '@acme_support sans média' });
    const posted = sb.post(camille.user.id, { text: '@acme_support voilà', media: [{ type: 'photo' }] });
    const msg = await received;
    expect(msg.data.id).toBe(posted.id);
    expect(msg.includes.media).toEqual([expect.objectContaining({ media_key: posted.media![0]!.mediaKey })]);
  });
});

describe('contract: media and links in DMs', () => {
  it('lists attachments and links, and serves a DM picture to the participants only', async () => {
    const { sb, url, brand, camille } = await start();
    const stranger = sb.createUser({ username: 'someone_else', name: 'Someone Else' });
    const dm = sb.sendDm(camille.user.id, brand.user.id, 'Le colis reçu, voyez le suivi https://example.com/t/4411', [
      { type: 'photo', image: 'parcel', altText: 'Parcel' },
    ]);
    const page = await client(brand.token).v2.get('dm_events', {
      'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,sender_id,attachments,entities',
      expansions: 'sender_id,attachments.media_keys',
      'user.fields': USER_FIELDS,
      'media.fields': MEDIA_FIELDS,
    });
    const event = (page.data as Record<string, any>[]).find((e) => e.id === dm.id)!;
    expect(event.attachments).toEqual({ media_keys: [dm.media!.mediaKey] });
    expect(event.urls).toEqual([expect.objectContaining({ url: 'https://example.com/t/4411' })]);
    const picture = (page.includes.media as Record<string, any>[])[0]!;
    expect(picture.url).toMatch(new RegExp(`^${url}/1\\.1/ton/data/dm/${dm.id}/\\d+/parcel\\.png$`));

    expect((await fetch(picture.url)).status).toBe(401);
    const asBrand = await fetch(picture.url, { headers: { authorization: `Bearer ${brand.token}` } });
    expect([asBrand.status, asBrand.headers.get('content-type')]).toEqual([200, 'image/png']);
    const asStranger = await fetch(picture.url, { headers: { authorization: `Bearer ${stranger.token}` } });
    expect(asStranger.status).toBe(404);
    // A DM's media key does not open the public host either.
    expect((await fetch(`${url}/media/${dm.media!.mediaKey}.png`)).status).toBe(404);
  });
});
