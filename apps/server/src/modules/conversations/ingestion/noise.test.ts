import type { InboundItem } from '@guichet/connectors';
import { describe, expect, it } from 'vitest';
import { sortOutNoise } from './noise.ts';

const item = (text: string, overrides: Partial<InboundItem> = {}): InboundItem => ({
  kind: 'mention',
  visibility: 'public',
  externalId: String(Math.floor(Math.random() * 1e15)),
  conversationExternalId: '1',
  author: { externalId: '2', handle: 'jane', name: 'Jane' },
  text,
  createdAt: new Date('2026-03-02T09:00:00Z'),
  raw: {},
  ...overrides,
});

describe('sortOutNoise', () => {
  it('keeps real messages, and sets aside reposts, tag storms and muted words with the reason', () => {
    const kept = item('@acme_sav my box is down #fail');
    const repost = item('RT @acme_sav: Our new app is out!');
    const repostByReference = item('Our new app is out!', {
      raw: { tweet: { referenced_tweets: [{ type: 'retweeted', id: '9' }] } },
    });
    const tags = item('@acme_sav #fail #acme https://t.co/abc !!! 😡');
    const muted = item('@acme_sav WIN A FREE PHONE at crypto-giveaway');
    const dmWithMutedWord = item('crypto question', { visibility: 'direct', kind: 'direct_message' });
    const verdict = sortOutNoise([kept, repost, repostByReference, tags, muted, dmWithMutedWord], ['Crypto']);
    expect(verdict.work).toEqual([kept, dmWithMutedWord]);
    expect(verdict.filtered.map((f) => [f.item, f.reason])).toEqual([
      [repost, 'repost'],
      [repostByReference, 'repost'],
      [tags, 'tags_only'],
      [muted, 'muted_word'],
    ]);
  });

  it('does not take a short real message in another script for a tag storm', () => {
    expect(sortOutNoise([item('@acme_sav 故障')], []).work).toHaveLength(1);
    expect(sortOutNoise([item('@acme_sav ?')], []).work).toHaveLength(0);
  });
});

const photo = [{ type: 'photo' as const, url: 'https://pbs.twimg.com/media/a.jpg', textUrl: 'https://t.co/abc' }];
const link = [{ url: 'https://t.co/xyz', expandedUrl: 'https://track.example.com/4411' }];

describe('sortOutNoise with media and links (issue 12)', () => {
  it('keeps a post addressed to us that only holds a photo, a video or a link', () => {
    const photoOnly = item('@acme_sav https://t.co/abc', { media: photo });
    const videoReply = item('@acme_sav', { kind: 'reply', media: [{ type: 'video', previewUrl: 'https://p/v.jpg' }] });
    const linkOnly = item('@acme_sav https://t.co/xyz', { links: link });
    const quoteWithLink = item('#fail https://t.co/xyz', { kind: 'quote', links: link });
    const verdict = sortOutNoise([photoOnly, videoReply, linkOnly, quoteWithLink], []);
    expect(verdict.work).toEqual([photoOnly, videoReply, linkOnly, quoteWithLink]);
    expect(verdict.filtered).toEqual([]);
  });

  it('still files reposts, muted posts and tag-only posts not addressed to us', () => {
    const repost = item('RT @acme_sav: look https://t.co/abc', { media: photo });
    const muted = item('@acme_sav WIN A FREE PHONE https://t.co/abc', { media: photo });
    const searchHit = item('#acme https://t.co/xyz', { kind: 'post', links: link });
    const bare = item('@acme_sav #fail');
    const verdict = sortOutNoise([repost, muted, searchHit, bare], ['free phone']);
    expect(verdict.work).toEqual([]);
    expect(verdict.filtered.map((f) => [f.item, f.reason])).toEqual([
      [repost, 'repost'],
      [muted, 'muted_word'],
      [searchHit, 'tags_only'],
      [bare, 'tags_only'],
    ]);
  });
});
