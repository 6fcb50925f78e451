import type { InboundItem } from '@guichet/connectors';
import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, DbOrTx } from '../../../platform/db/database.ts';
import type { Row } from '../../../platform/db/schema.ts';
import { newId } from '../../../platform/ids.ts';
import { writeCursor } from '../../channels/channels.repository.ts';
import { upsertIdentity } from '../../contacts/contacts.repository.ts';
import { recordEvents, type EventRecord } from '../../events/events.repository.ts';

export const PREVIEW_LENGTH = 140;

export interface IngestBatch {
  channel: Row<'channels'>;
  feed: string;
  /** Oldest first, as connectors return them. */
  items: InboundItem[];
  /** Stored in the same transaction as the items: a crash never skips or repeats a page. */
  nextCursor: string | null;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
  echoes: number;
  /** Cases that changed, for realtime pushes after commit. */
  changedCaseIds: string[];
}

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? flat.slice(0, PREVIEW_LENGTH - 1) + '…' : flat;
}

async function findOrCreateConversation(
  tx: DbOrTx,
  channel: Row<'channels'>,
  item: InboundItem,
  now: number,
): Promise<string> {
  const found = await tx
    .selectFrom('conversations')
    .select('id')
    .where('channel_id', '=', channel.id)
    .where('visibility', '=', item.visibility)
    .where('external_id', '=', item.conversationExternalId)
    .executeTakeFirst();
  if (found) return found.id;
  const id = newId(now);
  await tx
    .insertInto('conversations')
    .values({
      id,
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      visibility: item.visibility,
      external_id: item.conversationExternalId,
      created_at: now,
    })
    .execute();
  return id;
}

/**
 * Which case an inbound message belongs to: the case already holding its conversation (a third party in
 * the thread stays in that case, attributed to themselves), else the customer's open case on this channel
 * (so their DM and public thread are one case), else a new case. A resolved case is reopened.
 */
async function attachToCase(
  tx: DbOrTx,
  input: { channel: Row<'channels'>; conversationId: string; contactId: string; item: InboundItem; now: number },
): Promise<{ caseId: string; events: EventRecord[] }> {
  const { channel, conversationId, contactId, item, now } = input;
  const base = { workspaceId: channel.workspace_id, actor: { type: 'system' as const }, occurredAt: now };
  const linked = await tx
    .selectFrom('cases')
    .innerJoin('case_conversations', 'case_conversations.case_id', 'cases.id')
    .select(['cases.id', 'cases.status'])
    .where('case_conversations.conversation_id', '=', conversationId)
    .orderBy('cases.opened_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const openForContact = linked
    ? undefined
    : await tx
        .selectFrom('cases')
        .select(['id', 'status'])
        .where('contact_id', '=', contactId)
        .where('channel_id', '=', channel.id)
        .where('status', '!=', 'resolved')
        .orderBy('last_message_at', 'desc')
        .limit(1)
        .executeTakeFirst();
  const existing = linked ?? openForContact;
  if (existing) {
    const events: EventRecord[] = [];
    if (!linked) {
      await tx
        .insertInto('case_conversations')
        .values({ case_id: existing.id, conversation_id: conversationId, linked_at: now })
        .execute();
      events.push({ ...base, type: 'case.conversation_linked', caseId: existing.id, subjectId: conversationId });
    }
    if (existing.status === 'resolved' || existing.status === 'pending' || existing.status === 'snoozed') {
      await tx.updateTable('cases').set({ status: 'open', resolved_at: null }).where('id', '=', existing.id).execute();
      events.push({
        ...base,
        type: existing.status === 'resolved' ? 'case.reopened' : 'case.status_changed',
        caseId: existing.id,
        payload: { from: existing.status, to: 'open', reason: 'inbound_message' },
      });
    }
    return { caseId: existing.id, events };
  }
  const caseId = newId(now);
  await tx
    .insertInto('cases')
    .values({
      id: caseId,
      workspace_id: channel.workspace_id,
      channel_id: channel.id,
      contact_id: contactId,
      status: 'open',
      priority: null,
      assignee_agent_id: null,
      team_id: null,
      preview: previewOf(item.text),
      message_count: 0,
      opened_at: now,
      last_message_at: item.createdAt.getTime(),
      last_inbound_at: null,
      first_response_at: null,
      resolved_at: null,
      updated_at: now,
    })
    .execute();
  await tx
    .insertInto('case_conversations')
    .values({ case_id: caseId, conversation_id: conversationId, linked_at: now })
    .execute();
  return { caseId, events: [{ ...base, type: 'case.opened', caseId, payload: { contactId } }] };
}

/**
 * Stores one page of inbound items in ONE transaction: dedupe by network id, drop echoes of our own posts,
 * upsert the author, thread into a conversation, attach to a case, advance the cursor, record events.
 */
export async function ingestBatch(deps: { db: Db; clock: Clock }, batch: IngestBatch): Promise<IngestResult> {
  const { channel } = batch;
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const result: IngestResult = { stored: 0, duplicates: 0, echoes: 0, changedCaseIds: [] };
    const changed = new Set<string>();
    for (const item of batch.items) {
      // The desk's own replies come back in timelines; they are already stored as outbound messages.
      if (channel.external_account_id && item.author.externalId === channel.external_account_id) {
        result.echoes += 1;
        continue;
      }
      const duplicate = await tx
        .selectFrom('messages')
        .select('id')
        .where('channel_id', '=', channel.id)
        .where('external_id', '=', item.externalId)
        .executeTakeFirst();
      if (duplicate) {
        result.duplicates += 1;
        continue;
      }
      const author = await upsertIdentity(tx, {
        workspaceId: channel.workspace_id,
        network: channel.network,
        account: item.author,
        now,
      });
      const conversationId = await findOrCreateConversation(tx, channel, item, now);
      const parent = item.inReplyToExternalId
        ? await tx
            .selectFrom('messages')
            .select('id')
            .where('channel_id', '=', channel.id)
            .where('external_id', '=', item.inReplyToExternalId)
            .executeTakeFirst()
        : undefined;
      const { caseId, events } = await attachToCase(tx, {
        channel,
        conversationId,
        contactId: author.contactId,
        item,
        now,
      });
      const messageId = newId(now);
      const createdAt = item.createdAt.getTime();
      await tx
        .insertInto('messages')
        .values({
          id: messageId,
          workspace_id: channel.workspace_id,
          channel_id: channel.id,
          conversation_id: conversationId,
          direction: 'inbound',
          visibility: item.visibility,
          kind: item.kind,
          external_id: item.externalId,
          in_reply_to_external_id: item.inReplyToExternalId ?? null,
          in_reply_to_message_id: parent?.id ?? null,
          author_identity_id: author.identityId,
          author_agent_id: null,
          text: item.text,
          lang: item.lang ?? null,
          url: item.url ?? null,
          created_at: createdAt,
          recorded_at: now,
          delivery_status: null,
          delivery_error: null,
          delivery_attempts: 0,
          idempotency_key: null,
          raw: JSON.stringify(item.raw ?? null),
        })
        .execute();
      await tx
        .updateTable('cases')
        .set((eb) => ({
          preview: previewOf(item.text),
          message_count: eb('message_count', '+', 1),
          // Posts can arrive out of order (a fetched parent, a late page): keep the latest time.
          last_message_at: sql<number>`case when last_message_at > ${createdAt} then last_message_at else ${createdAt} end`,
          last_inbound_at: createdAt,
          updated_at: now,
        }))
        .where('id', '=', caseId)
        .execute();
      events.push({
        workspaceId: channel.workspace_id,
        type: 'message.received',
        caseId,
        subjectId: messageId,
        actor: { type: 'contact', id: author.contactId },
        payload: { kind: item.kind, visibility: item.visibility, externalId: item.externalId },
        occurredAt: now,
      });
      await recordEvents(tx, events);
      changed.add(caseId);
      result.stored += 1;
    }
    if (batch.nextCursor) await writeCursor(tx, channel.id, batch.feed, batch.nextCursor, now);
    result.changedCaseIds = [...changed];
    return result;
  });
}
