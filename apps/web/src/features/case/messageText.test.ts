import type { MessageAttachments, MessageLink, MessageMedia } from '@guichet/contracts';
import { describe, expect, it } from 'vitest';
import { displayForm, formatDuration, segmentMessageText } from './messageText.ts';

const link = (url: string, expandedUrl: string | null, displayUrl: string | null = null): MessageLink => ({
  url,
  expandedUrl,
  displayUrl,
  title: null,
  description: null,
  unwoundUrl: null,
});
const photo = (textUrl: string | null): MessageMedia => ({
  type: 'photo',
  mediaKey: '3_1',
  url: 'https://pbs.twimg.com/media/a.jpg',
  previewUrl: null,
  videoUrl: null,
  width: null,
  height: null,
  altText: null,
  durationMs: null,
  textUrl,
  private: false,
});
const none: MessageAttachments = { media: [], links: [] };

describe('segmentMessageText', () => {
  it('shows a shortened link as where it goes, never the t.co link alone', () => {
    const attachments = {
      media: [],
      links: [link('https://t.co/L1', 'https://track.example.com/4411', 'track.example.com/4411')],
    };
    expect(segmentMessageText('Suivi : https://t.co/L1. Merci', attachments)).toEqual([
      { kind: 'text', text: 'Suivi : ' },
      { kind: 'link', href: 'https://track.example.com/4411', label: 'track.example.com/4411' },
      { kind: 'text', text: '. Merci' },
    ]);
  });

  it('leaves out the media’s own short link, and the space before it', () => {
    expect(segmentMessageText('@acme_sav https://t.co/Ph', { media: [photo('https://t.co/Ph')], links: [] })).toEqual([
      { kind: 'text', text: '@acme_sav' },
    ]);
  });

  it('keeps unknown and hostile addresses as plain text, and a longer link is not cut by a shorter one', () => {
    const attachments = {
      media: [],
      links: [link('https://t.co/ab', 'javascript:alert(1)'), link('https://t.co/abc', 'https://example.com/c')],
    };
    expect(segmentMessageText('a https://t.co/abc b https://t.co/ab c https://evil.example/x', attachments)).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'link', href: 'https://example.com/c', label: 'example.com/c' },
      { kind: 'text', text: ' b https://t.co/ab c https://evil.example/x' },
    ]);
    expect(segmentMessageText('plain', none)).toEqual([{ kind: 'text', text: 'plain' }]);
  });

  it('formats addresses and durations for people', () => {
    expect(displayForm('https://example.com/')).toBe('example.com');
    expect(displayForm(`https://example.com/${'a'.repeat(60)}`)).toHaveLength(40);
    expect(formatDuration(14_233)).toBe('0:14');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
