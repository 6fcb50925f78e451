import { afterEach, describe, expect, it } from 'vitest';
// Test-only: the connector never depends on the sandbox at run time.
import { createXSandbox, sandboxImagePng, type XSandbox } from '@guichet/x-sandbox';
import { ConnectorError } from '../connector.ts';
import { createTwitterApiXClient } from './x-client.ts';
import { createXConnector } from './x-connector.ts';
import { sameMedia, withoutMediaLink } from './x-outgoing-media.ts';
import { SEGMENT_BYTES } from './x-upload.ts';

const sandboxes: XSandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.close();
});

async function world() {
  const sandbox = createXSandbox();
  sandboxes.push(sandbox);
  const { url } = await sandbox.listen();
  const brand = sandbox.createUser({ username: 'acme_support', name: 'Acme Support' });
  const customer = sandbox.createUser({ username: 'camille_durand', name: 'Camille Durand' });
  const client = createTwitterApiXClient({
    credentials: { kind: 'oauth2-user', accessToken: brand.token },
    apiBaseUrl: url,
  });
  return { sandbox, url, brand, customer, x: createXConnector({ client }) };
}

describe('X connector: agents’ pictures and DM media', () => {
  it('recognises its own post by text and media ids, not by text alone', () => {
    expect(sameMedia(['3_111', '3_222'], ['222', '111'])).toBe(true);
    expect(sameMedia(['3_111'], ['222'])).toBe(false);
    expect(sameMedia(undefined, ['111'])).toBe(false);
    expect(sameMedia(undefined, undefined)).toBe(true);
    expect(withoutMediaLink('Voici l’étiquette. https://t.co/AbC123', true)).toBe('Voici l’étiquette.');
    expect(withoutMediaLink('Voici https://t.co/AbC123', false)).toBe('Voici https://t.co/AbC123');
  });

  it('uploads small and large pictures, posts them, and adopts only the post with the same pictures', async () => {
    const { sandbox, x, customer } = await world();
    const mention = sandbox.post(customer.user.id, { text: '@acme_support colis abîmé' });
    const small = await x.uploadMedia!({
      data: sandboxImagePng('parcel'),
      contentType: 'image/png',
      visibility: 'public',
    });
    // Above the one-shot size: initialize, several appended segments, finalize.
    const big = Buffer.concat([sandboxImagePng('router'), Buffer.alloc(SEGMENT_BYTES * 2)]);
    const large = await x.uploadMedia!({ data: big, contentType: 'image/png', visibility: 'public' });
    expect(large.mediaKey).toBe(`3_${large.mediaId}`);
    expect(large.expiresAt!.getTime()).toBeGreaterThan(Date.now());

    const request = { text: 'Voici les photos.', inReplyToExternalId: mention.id };
    const since = new Date(Date.now() - 60_000);
    const posted = await x.publishReply({ ...request, mediaIds: [small.mediaId, large.mediaId] });
    expect(sandbox.getTweet(posted.externalId)!.media!.map((m) => m.mediaKey)).toEqual([
      `3_${small.mediaId}`,
      `3_${large.mediaId}`,
    ]);
    expect(await x.findPublishedReply({ ...request, mediaIds: [small.mediaId, large.mediaId], since })).toMatchObject({
      externalId: posted.externalId,
    });
    // Same words, other pictures: not the same reply.
    expect(await x.findPublishedReply({ ...request, mediaIds: [small.mediaId], since })).toBeNull();

    const refused = await x.publishReply({ ...request, text: 'Encore', mediaIds: ['123'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect(refused).toMatchObject({ kind: 'rejected', reason: 'x.media_invalid' });
  });

  it('sends a DM with a picture, finds it again, and reads a customer’s DM picture with the credentials', async () => {
    const { sandbox, x, brand, customer, url } = await world();
    const incoming = sandbox.sendDm(customer.user.id, brand.user.id, 'Le colis', [{ type: 'photo', image: 'receipt' }]);
    const picture = await x.uploadMedia!({
      data: sandboxImagePng('parcel'),
      contentType: 'image/png',
      visibility: 'direct',
    });
    const request = { recipientExternalId: customer.user.id, text: 'Voici l’étiquette.', mediaIds: [picture.mediaId] };
    const sent = await x.sendDirectMessage!(request);
    expect(await x.findSentDirectMessage!({ ...request, since: new Date(Date.now() - 60_000) })).toMatchObject({
      externalId: sent.externalId,
    });

    const page = await x.fetchDirectMessages!({ cursor: null });
    const media = page.items.find((i) => i.externalId === incoming.id)!.media![0]!;
    expect(media.private).toBe(true);
    const file = await x.fetchPrivateMedia!(media.url!);
    expect([file.contentType, file.data.equals(sandboxImagePng('receipt'))]).toEqual(['image/png', true]);
    // The credentials never go to a host that is not X's (or the sandbox standing in for it).
    const elsewhere = await x.fetchPrivateMedia!('https://evil.example/steal.png').catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ kind: 'rejected' });
    expect(media.url!.startsWith(url)).toBe(true);
  });
});
