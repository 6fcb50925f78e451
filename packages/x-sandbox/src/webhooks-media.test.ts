import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { client, receiver, startSandbox } from './testkit.ts';
import type { XSandbox } from './sandbox.ts';

/** v1.1 Account Activity deliveries of long posts, media and links (contract §13.5). */

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
});

async function subscribedHook(sb: XSandbox, url: string, brandToken: string) {
  const bodies: Record<string, any>[] = [];
  const raw: string[] = [];
  const hook = await receiver((req, body, res) => {
    if (req.method === 'GET') {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('crc_token') ?? '';
      const answer = 'sha256=' + createHmac('sha256', sb.appCredentials.appSecret).update(token).digest('base64');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token: answer }));
      return;
    }
    raw.push(body);
    bodies.push(JSON.parse(body) as Record<string, any>);
    res.writeHead(200).end();
  });
  closing.push(hook);
  const { data } = await client(url, sb.issueAppBearer()).v2.post('webhooks', { url: hook.url });
  await client(url, brandToken).v2.post(`account_activity/webhooks/${data.id}/subscriptions/all`, {});
  return { bodies, raw };
}

describe('v1.1 deliveries with media and links', () => {
  it('carries extended_tweet for long posts, extended_entities for media, and a DM’s attachment and links', async () => {
    const { sb, url, brand, camille } = await startSandbox();
    closing.push(sb);
    const hook = await subscribedHook(sb, url, brand.token);
    const long =
      '@acme_support Colis reçu complètement écrasé, voici les photos : le carton est enfoncé sur un côté, ' +
      'le produit à l’intérieur est cassé en deux et la notice est trempée. Commande 4411, livrée hier soir.';
    const post = sb.post(camille.user.id, {
      text: long,
      media: [{ type: 'photo', image: 'parcel', altText: 'Crushed parcel' }, { type: 'photo' }],
    });
    const video = sb.post(camille.user.id, { text: '@acme_support regardez', media: [{ type: 'video' }] });
    const dm = sb.sendDm(camille.user.id, brand.user.id, 'Suivi ici https://example.com/t/4411', [{ type: 'photo' }]);
    await sb.webhooksIdle();

    const tweets = hook.bodies.flatMap((b) => b.tweet_create_events ?? []);
    const first = tweets.find((t) => t.id_str === post.id)!;
    expect(first.truncated).toBe(true);
    expect([...first.text].length).toBe(140);
    expect(first.extended_tweet.full_text).toBe(post.text);
    const keys = post.media!.map((m) => m.mediaKey);
    expect(first.extended_tweet.extended_entities.media.map((m: { media_key: string }) => m.media_key)).toEqual(keys);
    expect(first.extended_entities.media[0]).toMatchObject({
      id_str: keys[0]!.split('_')[1],
      type: 'photo',
      ext_alt_text: 'Crushed parcel',
      media_url_https: `${url}/media/${keys[0]}.png`,
      original_info: { width: 480, height: 360 },
    });
    // The media link is the media's, not one of the post's urls.
    expect(first.extended_tweet.entities.urls).toEqual([]);
    const mediaId = keys[0]!.split('_')[1]!;
    expect(hook.raw.find((r) => r.includes(post.id))).toContain(`"id":${mediaId},"id_str":"${mediaId}"`);

    const vid = tweets.find((t) => t.id_str === video.id)!;
    expect(vid.truncated).toBe(false);
    expect(vid.entities.media[0].type).toBe('photo'); // entities.media says photo whatever it is
    expect(vid.extended_entities.media[0]).toMatchObject({ type: 'video', video_info: { duration_millis: 12_480 } });

    const event = hook.bodies.flatMap((b) => b.direct_message_events ?? []).find((e) => e.id === dm.id)!;
    expect(event.message_create.message_data).toMatchObject({
      text: 'Suivi ici https://example.com/t/4411',
      entities: { urls: [{ url: 'https://example.com/t/4411', indices: [10, 36] }] },
      attachment: { type: 'media', media: { type: 'photo', media_key: dm.media!.mediaKey } },
    });
    expect(event.message_create.message_data.attachment.media.media_url_https).toMatch(
      new RegExp(`^${url}/1\\.1/ton/data/dm/${dm.id}/`),
    );
  });
});
