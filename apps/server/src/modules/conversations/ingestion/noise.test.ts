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
