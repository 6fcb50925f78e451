import type { Message } from '@guichet/contracts';
import { describe, expect, it } from 'vitest';
import { defaultReplyTarget, recentCustomerMessages, replyLimitFor, targetPreview } from './replyTarget.ts';

function message(
  id: string,
  direction: Message['direction'],
  visibility: Message['visibility'],
  isCaseContact = true,
): Message {
  return {
    id,
    conversationId: visibility === 'public' ? 'conv-public' : 'conv-dm',
    direction,
    visibility,
    text: id,
    author:
      direction === 'inbound'
        ? { kind: 'contact', contactId: 'ct1', name: 'Chloé', handle: 'chloe', isCaseContact }
        : { kind: 'agent', agentId: 'a1', name: 'Ana' },
    createdAt: '2025-03-14T10:00:00Z',
    externalId: null,
    externalUrl: null,
    inReplyToMessageId: null,
    deliveryStatus: direction === 'outbound' ? 'sent' : null,
    deliveryError: null,
    approval: null,
    engagements: [],
    attachments: { media: [], links: [] },
  };
}

describe('defaultReplyTarget', () => {
  it('answers the customer’s latest message: a DM after a DM, a public post after a public post', () => {
    const messages = [
      message('p1', 'inbound', 'public'),
      message('p2', 'inbound', 'public'),
      message('d1', 'inbound', 'direct'),
      message('o1', 'outbound', 'public'),
    ];
    expect(defaultReplyTarget(messages)?.id).toBe('d1');
    expect(defaultReplyTarget([...messages, message('p3', 'inbound', 'public')])?.id).toBe('p3');
  });

  it('answers the latest DM when the case has no public message', () => {
    expect(defaultReplyTarget([message('d1', 'inbound', 'direct'), message('d2', 'inbound', 'direct')])?.id).toBe('d2');
  });

  it('answers the customer rather than a third party who joined the thread', () => {
    const messages = [message('p1', 'inbound', 'public'), message('t1', 'inbound', 'public', false)];
    expect(defaultReplyTarget(messages)?.id).toBe('p1');
    expect(defaultReplyTarget([message('t1', 'inbound', 'public', false)])?.id).toBe('t1');
  });

  it('has no target without inbound messages', () => {
    expect(defaultReplyTarget([message('o1', 'outbound', 'public')])).toBeNull();
  });
});

describe('recentCustomerMessages and targetPreview', () => {
  it('offers the customer’s messages newest first, never the brand’s or a third party’s', () => {
    const messages = [
      message('p1', 'inbound', 'public'),
      message('t1', 'inbound', 'public', false),
      message('o1', 'outbound', 'public'),
      message('d1', 'inbound', 'direct'),
    ];
    expect(recentCustomerMessages(messages).map((m) => m.id)).toEqual(['d1', 'p1']);
    expect(recentCustomerMessages(messages, 1).map((m) => m.id)).toEqual(['d1']);
  });

  it('previews a message on one short line', () => {
    const long = { ...message('p1', 'inbound', 'public'), text: 'Bonjour,\n mon   colis '.padEnd(80, 'x') };
    const preview = targetPreview(long, 20);
    expect(preview).toHaveLength(20);
    expect(preview.startsWith('Bonjour, mon colis')).toBe(true);
    expect(preview.endsWith('…')).toBe(true);
  });
});

describe('replyLimitFor', () => {
  it('uses the post limit for public replies and the DM limit for direct ones', () => {
    expect(replyLimitFor(message('p1', 'inbound', 'public'))).toBe(280);
    expect(replyLimitFor(null)).toBe(280);
    expect(replyLimitFor(message('d1', 'inbound', 'direct'))).toBe(10_000);
  });
});
