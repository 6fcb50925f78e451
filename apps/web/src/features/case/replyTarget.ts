import type { Message } from '@guichet/contracts';

/** X's limits: a post holds 280 characters, a direct message 10,000. */
export const publicReplyLimit = 280;
export const directReplyLimit = 10_000;

const fromCustomer = (message: Message) =>
  message.direction === 'inbound' && message.author.kind === 'contact' && message.author.isCaseContact;

/**
 * The message a reply answers unless the agent picks another: the customer's LATEST message, public or
 * direct (a DM is answered by DM), else the latest inbound message from anyone else in the thread.
 */
export function defaultReplyTarget(messages: readonly Message[]): Message | null {
  let latestInbound: Message | null = null;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i]!;
    if (fromCustomer(message)) return message;
    if (!latestInbound && message.direction === 'inbound') latestInbound = message;
  }
  return latestInbound;
}

/** The customer's recent messages, newest first: what the "in reply to" menu offers. */
export function recentCustomerMessages(messages: readonly Message[], limit = 6): Message[] {
  const recent: Message[] = [];
  for (let i = messages.length - 1; i >= 0 && recent.length < limit; i -= 1) {
    if (fromCustomer(messages[i]!)) recent.push(messages[i]!);
  }
  return recent;
}

/** A one-line preview of the message answered, for beside the Send button. */
export function targetPreview(message: Message, length = 48): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

export function replyLimitFor(target: Message | null): number {
  return target?.visibility === 'direct' ? directReplyLimit : publicReplyLimit;
}
