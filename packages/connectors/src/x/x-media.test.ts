import { afterEach, describe, expect, it } from 'vitest';
// Test-only: the connector never depends on the sandbox at run time.
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { createTwitterApiXClient } from './x-client.ts';
import { createXConnector } from './x-connector.ts';
import { mapXTweet } from './x-mappers.ts';
import { httpUrl, mapV1Links, mapV1MediaList, mapXLinks, mediaByKeys } from './x-media.ts';

describe('X media and links, v2 shapes', () => {
  it('joins includes.media by key in the attachment order, skipping unknown keys, types and addresses', () => {
    const media = mediaByKeys(
      ['3_2', '3_404', '3_1', '9_3', '3_4'],
      [
        { media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/one.jpg', width: 10, height: 20 },
        { media_key: '3_2', type: 'photo', url: 'https://pbs.twimg.com/media/two.jpg', alt_text: 'Two' },
        { media_key: '9_3', type: 'hologram', url: 'https://pbs.twimg.com/media/three.jpg' },
        { media_key: '3_4', type: 'photo', url: 'javascript:alert(1)' },
      ],
      { private: false, urls: [{ start: 0, end: 23, url: 'https://t.co/m', media_key: '3_2' }] },
    );
    expect(media).toEqual([
      {
        type: 'photo',
        mediaKey: '3_2',
        url: 'https://pbs.twimg.com/media/two.jpg',
        altText: 'Two',
        textUrl: 'https://t.co/m',
      },
      { type: 'photo', mediaKey: '3_1', url: 'https://pbs.twimg.com/media/one.jpg', width: 10, height: 20 },
      // A hostile address is dropped, the item stays (the agent still sees a photo was sent).
      { type: 'photo', mediaKey: '3_4' },
    ]);
  });

  it('picks the highest-bitrate mp4 of a GIF or video, never the HLS playlist', () => {
    const [gif] = mediaByKeys(
      ['16_1'],
      [
        {
          media_key: '16_1',
          type: 'animated_gif',
          preview_image_url: 'https://pbs.twimg.com/tweet_video_thumb/g.jpg',
          variants: [
            { content_type: 'application/x-mpegURL', url: 'https://video.twimg.com/pl.m3u8' },
            { bit_rate: 0, content_type: 'video/mp4', url: 'https://video.twimg.com/tweet_video/g.mp4' },
          ],
        },
      ],
      { private: false },
    );
    expect(gif).toEqual({
      type: 'animated_gif',
      mediaKey: '16_1',
      previewUrl: 'https://pbs.twimg.com/tweet_video_thumb/g.jpg',
      videoUrl: 'https://video.twimg.com/tweet_video/g.mp4',
    });
  });

  it('keeps the links the author wrote, not the media link, nor non-http ones', () => {
    expect(
      mapXLinks([
        {
          start: 0,
          end: 5,
          url: 'https://t.co/a',
          expanded_url: 'https://example.com/a',
          display_url: 'example.com/a',
        },
        { start: 6, end: 9, url: 'https://t.co/m', expanded_url: 'https://x.com/j/status/1/photo/1', media_key: '3_1' },
        { start: 6, end: 9, url: 'https://t.co/p', expanded_url: 'https://x.com/j/status/1/video/1' },
        { start: 10, end: 12, url: 'ftp://t.co/b' },
      ]),
    ).toEqual([{ url: 'https://t.co/a', expandedUrl: 'https://example.com/a', displayUrl: 'example.com/a' }]);
    expect(httpUrl('data:text/html,hi')).toBeUndefined();
    expect(httpUrl('https://example.com/x')).toBe('https://example.com/x');
  });

  it('reads a long post from note_tweet: its whole text and its links', () => {
    const long = `@acme_sav ${'word '.repeat(80)}https://t.co/n`;
    const item = mapXTweet(
      {
        id: '2090439504425914385',
        text: `${long.slice(0, 270)}…`,
        author_id: '7',
        note_tweet: {
          text: long,
          entities: { urls: [{ start: 410, end: 424, url: 'https://t.co/n', expanded_url: 'https://example.com/n' }] },
        },
      },
      { users: [], tweets: [] },
      '1',
    );
    expect(item.text).toBe(long);
    expect(item.links).toEqual([{ url: 'https://t.co/n', expandedUrl: 'https://example.com/n' }]);
    expect(item.media).toBeUndefined();
  });
});

describe('X media and links, v1.1 shapes', () => {
  it('maps extended_entities media with v2 media keys, sizes, alt text and the best mp4', () => {
    const media = mapV1MediaList(
      [
        {
          id_str: '11',
          type: 'photo',
          media_url_https: 'https://pbs.twimg.com/media/p.jpg',
          url: 'https://t.co/p',
          sizes: { large: { w: 800, h: 600 } },
          ext_alt_text: 'A parcel',
        },
        {
          id_str: '12',
          type: 'video',
          media_url_https: 'https://pbs.twimg.com/amplify_video_thumb/12/img/t.jpg',
          original_info: { width: 1280, height: 720 },
          video_info: {
            duration_millis: 5000,
            variants: [
              { bitrate: 832000, content_type: 'video/mp4', url: 'https://video.twimg.com/v/640.mp4' },
              { bitrate: 2176000, content_type: 'video/mp4', url: 'https://video.twimg.com/v/1280.mp4' },
            ],
          },
        },
        { id_str: '13', type: 'animated_gif', media_url_https: 'https://pbs.twimg.com/tweet_video_thumb/g.jpg' },
      ],
      { private: false },
    );
    expect(media).toEqual([
      {
        type: 'photo',
        mediaKey: '3_11',
        url: 'https://pbs.twimg.com/media/p.jpg',
        width: 800,
        height: 600,
        altText: 'A parcel',
        textUrl: 'https://t.co/p',
      },
      {
        type: 'video',
        mediaKey: '7_12',
        previewUrl: 'https://pbs.twimg.com/amplify_video_thumb/12/img/t.jpg',
        videoUrl: 'https://video.twimg.com/v/1280.mp4',
        width: 1280,
        height: 720,
        durationMs: 5000,
      },
      { type: 'animated_gif', mediaKey: '16_13', previewUrl: 'https://pbs.twimg.com/tweet_video_thumb/g.jpg' },
    ]);
    expect(
      mapV1Links([
        {
          url: 'https://t.co/u',
          expanded_url: 'https://example.com/u',
          display_url: 'example.com/u',
          unwound: { url: 'https://example.com/u?x=1', title: 'U', description: 'The U page' },
        },
        { url: 'javascript:void(0)' },
      ]),
    ).toEqual([
      {
        url: 'https://t.co/u',
        expandedUrl: 'https://example.com/u',
        displayUrl: 'example.com/u',
        title: 'U',
        description: 'The U page',
        unwoundUrl: 'https://example.com/u?x=1',
      },
    ]);
  });
});

describe('X connector against the sandbox: media and links', () => {
  let sandbox: XSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('reads photos, a link, and a DM photo (private) through the real client', async () => {
    sandbox = createXSandbox();
    const { url } = await sandbox.listen();
    const brand = sandbox.createUser({ username: 'acme_sav', name: 'Acme SAV' });
    const jane = sandbox.createUser({ username: 'jane_doe', name: 'Jane Doe' });
    const photo = sandbox.post(jane.user.id, {
      text: '@acme_sav',
      media: [{ type: 'photo', image: 'parcel', altText: 'Crushed parcel' }],
    });
    sandbox.post(jane.user.id, { text: '@acme_sav https://track.example.com/4411' });
    const dm = sandbox.sendDm(jane.user.id, brand.user.id, 'Label attached', [{ type: 'photo', image: 'receipt' }]);
    const connector = createXConnector({
      client: createTwitterApiXClient({
        credentials: { kind: 'oauth2-user', accessToken: brand.token },
        apiBaseUrl: url,
      }),
    });

    const { items } = await connector.fetchMentions({ cursor: null });
    const key = photo.media![0]!.mediaKey;
    expect(items.map((i) => [i.text, i.media, i.links])).toEqual([
      [
        photo.text,
        [
          {
            type: 'photo',
            mediaKey: key,
            url: `${url}/media/${key}.png`,
            width: 480,
            height: 360,
            altText: 'Crushed parcel',
            textUrl: photo.text.split(' ')[1],
          },
        ],
        undefined,
      ],
      [
        '@acme_sav https://track.example.com/4411',
        undefined,
        [
          {
            url: 'https://track.example.com/4411',
            expandedUrl: 'https://track.example.com/4411',
            displayUrl: 'track.example.com/4411',
          },
        ],
      ],
    ]);
    const dms = await connector.fetchDirectMessages!({ cursor: null });
    expect(dms.items[0]!.media).toEqual([
      expect.objectContaining({ type: 'photo', mediaKey: dm.media!.mediaKey, private: true }),
    ]);
    expect(dms.items[0]!.media![0]!.url).toMatch(new RegExp(`^${url}/1\\.1/ton/data/dm/${dm.id}/`));
  });
});
