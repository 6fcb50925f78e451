import type { Message } from '@guichet/contracts';

/** X's limits: a post holds 280 characters, a direct message 10,000. */
export const publicReplyLimit = 280;
export const directReplyLimit = 10_000;

function rank(message: Message): number {
  // The case's customer before third parties in the thread; public before direct, as the server does.
  const fromCustomer = message.author.kind === 'contact' && message.author.isCaseContact;
  return (fromCustomer ? 2 : 0) + (message.visibility === 'public' ? 1 : 0);
}

/**
 * The message a reply answers unless the agent picks another: the customer's latest public message,
 * else their latest direct message, else the latest message from anyone else in the thread.
 */
export function defaultReplyTarget(messages: readonly Message[]): Message | null {
  let best: Message | null = null;
  for (const message of messages) {
    if (message.direction !== 'inbound') continue;
    // Later messages win ties because the list is oldest first.
    if (!best || rank(message) >= rank(best)) best = message;
  }
  return best;
}

export function replyLimitFor(target: Message | null): number {
  return target?.visibility === 'direct' ? directReplyLimit : publicReplyLimit;
}
