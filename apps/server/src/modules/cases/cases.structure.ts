import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { previewOf } from '../conversations/ingestion/page.ts';

/** Shared by split and merge (issue 13): what a case's messages say about it, and what follows them. */

export interface MessageFact {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  deliveryStatus: Row<'messages'>['delivery_status'];
  createdAt: number;
  text: string;
  lang: string | null;
}

const CHUNK = 500;

/** Every message of the case (through its conversations), oldest first: time, then id. */
export async function messageFactsOf(tx: DbOrTx, caseId: string): Promise<MessageFact[]> {
  const rows = await tx
    .selectFrom('messages')
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .select([
      'messages.id as id',
      'messages.conversation_id as conversationId',
      'messages.direction as direction',
      'messages.delivery_status as deliveryStatus',
      'messages.created_at as createdAt',
      'messages.text as text',
      'messages.lang as lang',
    ])
    .where('case_conversations.case_id', '=', caseId)
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .execute();
  return rows.map((row) => ({ ...row, createdAt: Number(row.createdAt) }));
}

/** The case columns its messages decide; the earliest reply that reached the network is its first response. */
export function factsColumns(messages: readonly MessageFact[]) {
  const last = messages[messages.length - 1];
  const inbound = messages.filter((m) => m.direction === 'inbound');
  const sent = messages.filter((m) => m.direction === 'outbound' && m.deliveryStatus === 'sent');
  return {
    message_count: messages.length,
    last_message_at: last?.createdAt ?? 0,
    last_inbound_at: inbound.length > 0 ? inbound[inbound.length - 1]!.createdAt : null,
    first_response_at: sent[0]?.createdAt ?? null,
    preview: last ? previewOf(last.text) : '',
  };
}

/** Runs `write` on `ids` in slices that stay under both databases' bound-parameter limits. */
export async function inChunks(ids: readonly string[], write: (slice: string[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await write(ids.slice(i, i + CHUNK));
}

/**
 * Rows that follow a message go with it to `toCaseId`: its events (message.received, message.sent… so the
 * history and the reports read it on its new case), its approval and its likes / reposts.
 */
export async function moveMessageRows(
  tx: DbOrTx,
  fromCaseId: string,
  toCaseId: string,
  messageIds: readonly string[],
): Promise<void> {
  await inChunks(messageIds, async (slice) => {
    await tx
      .updateTable('events')
      .set({ case_id: toCaseId })
      .where('case_id', '=', fromCaseId)
      .where('subject_id', 'in', slice)
      .execute();
    await tx.updateTable('approvals').set({ case_id: toCaseId }).where('message_id', 'in', slice).execute();
    await tx
      .updateTable('engagements')
      .set({ case_id: toCaseId })
      .where('case_id', '=', fromCaseId)
      .where('message_id', 'in', slice)
      .execute();
    await tx
      .updateTable('triage_labels')
      .set({ case_id: toCaseId })
      .where('case_id', '=', fromCaseId)
      .where('message_id', 'in', slice)
      .execute();
  });
}

/** Running SLA clocks (and their alerts) move to another case: the customer's wait goes where they wait. */
export async function moveRunningClocks(tx: DbOrTx, clockIds: readonly string[], toCaseId: string): Promise<void> {
  if (clockIds.length === 0) return;
  await tx
    .updateTable('sla_clocks')
    .set({ case_id: toCaseId })
    .where('id', 'in', [...clockIds])
    .execute();
  await tx
    .updateTable('sla_alerts')
    .set({ case_id: toCaseId })
    .where('clock_id', 'in', [...clockIds])
    .execute();
}

/** The case's tags are given to `toCaseId` too (those it already has are left alone). */
export async function copyTags(tx: DbOrTx, fromCaseId: string, toCaseId: string): Promise<void> {
  const [from, to] = await Promise.all([
    tx.selectFrom('case_tags').select('tag_id').where('case_id', '=', fromCaseId).execute(),
    tx.selectFrom('case_tags').select('tag_id').where('case_id', '=', toCaseId).execute(),
  ]);
  const have = new Set(to.map((r) => r.tag_id));
  const add = from.filter((r) => !have.has(r.tag_id)).map((r) => ({ case_id: toCaseId, tag_id: r.tag_id }));
  if (add.length > 0) await tx.insertInto('case_tags').values(add).execute();
}

/** Locks the cases (first write takes the row lock) and reads them; any missing one is a 404. */
export async function lockCases(
  tx: DbOrTx,
  workspaceId: string,
  caseIds: readonly string[],
  now: number,
): Promise<Row<'cases'>[]> {
  await tx
    .updateTable('cases')
    .set({ updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...caseIds])
    .execute();
  const rows = await tx
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...caseIds])
    .execute();
  return caseIds.map((id) => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
    return row;
  });
}

export function refuseIfMerged(row: Row<'cases'>): void {
  if (row.merged_into_case_id) {
    throw new AppError('case.already_merged', 'conflict', 'This case was merged into another one.', {
      mergedIntoCaseId: row.merged_into_case_id,
    });
  }
}
