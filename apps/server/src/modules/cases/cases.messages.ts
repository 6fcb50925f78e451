import type { Message, MessagePage } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { messageQuery, toMessage, withReviewAndEngagements } from './cases.repository.ts';

/** Messages the case screen reads at once: a long thread comes in pages as the agent scrolls up. */
export const MESSAGE_PAGE = 100;

interface MessageCursor {
  at: number;
  id: string;
}

export function encodeMessageCursor(message: { createdAt: string; id: string }): string {
  return Buffer.from(`${Date.parse(message.createdAt)}:${message.id}`).toString('base64url');
}

function decodeMessageCursor(cursor: string): MessageCursor | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const at = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  return colon > 0 && Number.isFinite(at) && id ? { at, id } : null;
}

/**
 * A page of the case's messages read backwards (keyset on time then id, so messages arriving meanwhile never
 * shift a page): the newest `limit` before the cursor, returned oldest first, with the cursor of the page
 * before. A cursor that does not decode reads from the newest.
 */
export async function listCaseMessagePage(
  db: DbOrTx,
  caseRow: Row<'cases'>,
  options: { before?: string | undefined; limit: number },
): Promise<MessagePage> {
  const before = options.before ? decodeMessageCursor(options.before) : null;
  let q = messageQuery(db)
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .where('case_conversations.case_id', '=', caseRow.id);
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('messages.created_at', '<', before.at),
        eb.and([eb('messages.created_at', '=', before.at), eb('messages.id', '<', before.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit).reverse();
  const messages: Message[] = await withReviewAndEngagements(
    db,
    page.map((row) => toMessage(row, caseRow.contact_id)),
  );
  const first = messages[0];
  return { messages, olderCursor: rows.length > options.limit && first ? encodeMessageCursor(first) : null };
}
