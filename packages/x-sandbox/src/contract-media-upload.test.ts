/**
 * Contract tests (see contract-kit.ts) for media upload, as the desk's connector calls it through
 * twitter-api-v2: the one-shot `POST /2/media/upload` (JSON, base64), the chunked initialize / append
 * (multipart) / finalize flow, the status read, then `media.media_ids` in `POST /2/tweets` and `attachments`
 * in a DM. Every answer is validated against the v2.166 spec; the files come back from the media hosts.
 */
import { describe, expect, it } from 'vitest';
import { apiError, contractHarness, firstError } from './contract-kit.ts';
import { sandboxImagePng } from './media-images.ts';

const { client, start } = contractHarness({
  expectCoverage: {
    mediaUpload: [200, 400],
    initializeMediaUpload: [200],
    appendMediaUpload: [200],
    finalizeMediaUpload: [200, 400],
    getMediaUploadStatus: [200],
    createPosts: [201, 400],
    createDirectMessagesByParticipantId: [201],
  },
});

const PNG = sandboxImagePng('receipt', false);
// The smallest valid GIF: 1×1, one colour.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
const MEDIA_FIELDS = {
  'tweet.fields': 'attachments',
  expansions: 'attachments.media_keys',
  'media.fields': 'media_key,type,url,width,height',
};

describe('contract: media upload', () => {
  it('uploads a picture in one request and posts it in a reply', async () => {
    const { sb, url, brand, camille } = await start();
    const mention = sb.post(camille.user.id, { text: '@acme_support mon colis est arrivé écrasé' });
    const v2 = client(brand.token).v2;
    const uploaded = await v2.post('media/upload', {
      media: PNG.toString('base64'),
      media_category: 'tweet_image',
      media_type: 'image/png',
    });
    expect(uploaded.data).toMatchObject({ id: expect.stringMatching(/^\d+$/), size: PNG.length });
    expect(uploaded.data.media_key).toBe(`3_${uploaded.data.id}`);

    const reply = await v2.tweet({
      text: 'Voici le bon de retour.',
      reply: { in_reply_to_tweet_id: mention.id },
      media: { media_ids: [uploaded.data.id] },
    });
    const onX = sb.getTweet(reply.data.id)!;
    expect(onX.media).toEqual([expect.objectContaining({ mediaKey: uploaded.data.media_key, type: 'photo' })]);
    // A media post is not billed as a post with a URL: the media link is X's, not the author's.
    const days = Object.values(sb.costs().apps).flatMap((a) => Object.values(a.days));
    expect(days.some((d) => d.items.post_with_url_create)).toBe(false);
    expect(days.some((d) => d.items.summoned_reply_create)).toBe(true);

    const read = await v2.get('tweets', { ids: reply.data.id, ...MEDIA_FIELDS });
    expect(read.data[0].attachments).toEqual({ media_keys: [uploaded.data.media_key] });
    const picture = await fetch(read.includes.media[0].url);
    expect([picture.status, picture.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await picture.arrayBuffer()).equals(PNG)).toBe(true);
    expect(read.includes.media[0].url.startsWith(url)).toBe(true);

    const status = await v2.get('media/upload', { command: 'STATUS', media_id: uploaded.data.id });
    expect(status.data.id).toBe(uploaded.data.id);

    // A file that is not what it says, and media ids nobody uploaded, are refused.
    const lie = await apiError(
      v2.post('media/upload', { media: 'aGVsbG8=', media_category: 'tweet_image', media_type: 'image/png' }),
    );
    expect(lie.code).toBe(400);
    const unknown = await apiError(
      v2.tweet({ text: 'Sans image', reply: { in_reply_to_tweet_id: mention.id }, media: { media_ids: ['42'] } }),
    );
    expect([unknown.code, unknown.data.detail]).toEqual([400, 'Your media IDs are invalid.']);
  });

  it('uploads in segments (initialize, append, finalize) and sends the picture by DM', async () => {
    const { sb, brand, camille } = await start();
    sb.sendDm(camille.user.id, brand.user.id, 'Bonjour, vous avez une étiquette ?');
    const v2 = client(brand.token).v2;
    // twitter-api-v2's own chunked upload: initialize, one multipart append per segment, finalize.
    const mediaId = await v2.uploadMedia(PNG, { media_type: 'image/png', media_category: 'dm_image' }, 1000);
    expect(PNG.length).toBeGreaterThan(1000);
    const sent = await v2.post<{ data: { dm_event_id: string } }>(`dm_conversations/with/${camille.user.id}/messages`, {
      text: 'Voici l’étiquette.',
      attachments: [{ media_id: mediaId }],
    });
    const event = sb.listDmEvents({ userId: camille.user.id }).find((e) => e.id === sent.data.dm_event_id)!;
    expect(event.media).toMatchObject({ mediaKey: `3_${mediaId}`, type: 'photo' });

    // A GIF goes through the chunked flow as tweet_gif; finalizing twice is harmless, a gap is refused.
    const gifId = await v2.uploadMedia(GIF, { media_type: 'image/gif', media_category: 'tweet_gif' });
    const again = await v2.post(`media/upload/${gifId}/finalize`);
    expect(again.data).toMatchObject({ id: gifId, media_key: `16_${gifId}`, size: GIF.length });
    const init = await v2.post('media/upload/initialize', {
      media_type: 'image/png',
      total_bytes: PNG.length,
      media_category: 'tweet_image',
    });
    const gap = await apiError(v2.post(`media/upload/${init.data.id}/finalize`));
    expect(gap.code).toBe(400);
    expect(firstError(gap) ?? gap.data).toBeTruthy();
  });
});
