import type { InboundItem } from '@guichet/connectors';
import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, DbOrTx } from '../../../platform/db/database.ts';
import type { NewRow, Row } from '../../../platform/db/schema.ts';
import { newId } from '../../../platform/ids.ts';
import { writeCursor } from '../../channels/channels.repository.ts';
import { readCaseSettings } from '../../workspace/workspace.settings.ts';
import { upsertIdentities } from '../../contacts/contacts.repository.ts';
import type { EventRecord } from '../../events/events.repository.ts';
import { recordEvents } from '../../events/events.repository.ts';
import type { Classifier } from '../../triage/classifier.ts';
import { workspaceClassifier } from '../../triage/triage.workspace-model.ts';
import { decidePriority } from '../../triage/priority.ts';
import { getPriorityPolicy } from '../../triage/triage.repository.ts';
import type { Classification, PriorityDecision } from '../../triage/triage.models.ts';
import { parseSurveyAnswer } from '../../surveys/survey-answer.ts';
import { SURVEY_ANSWER_WINDOW_MS } from '../../surveys/surveys.jobs.ts';

export const PREVIEW_LENGTH = 140;
/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 400;

export interface IngestBatch {
  channel: Row<'channels'>;
  feed: string;
  /** Oldest first, as connectors return them. */
  items: InboundItem[];
  /**
   * Stored in the same transaction as the items: a crash never skips or repeats a page. Undefined leaves
   * the stored cursor alone; a value (even unchanged) is written and stamps when the feed was read.
   */
  nextCursor?: string | null | undefined;
  /** More writes that must commit or roll back with this page (e.g. recording filtered noise). */
  alsoInTransaction?: ((tx: DbOrTx) => Promise<void>) | undefined;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
  echoes: number;
  /** Cases that changed, for realtime pushes after commit. */
  changedCaseIds: string[];
  /** Each stored message's triage, for the rules that run after commit. */
  triaged: TriagedMessage[];
}

export interface TriagedMessage {
  messageId: string;
  caseId: string;
  /** The case was opened by this batch. */
  caseOpened: boolean;
  text: string;
  visibility: 'public' | 'direct';
  author: { followers: number | null; verified: boolean };
  classification: Classification;
  decision: PriorityDecision;
}

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? flat.slice(0, PREVIEW_LENGTH - 1) + '…' : flat;
}

async function insertChunked<T extends 'messages' | 'cases' | 'case_conversations' | 'conversations'>(
  tx: DbOrTx,
  table: T,
  rows: NewRow<T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + INSERT_CHUNK) as never)
      .execute();
  }
}

/** The state of one case while a batch is being attached, written back once at the end. */
interface CaseDraft {
  id: string;
  isNew: boolean;
  contactId: string;
  status: Row<'cases'>['status'];
  originalStatus: Row<'cases'>['status'];
  openedAt: number;
  preview: string;
  added: number;
  lastMessageAt: number;
  lastInboundAt: number | null;
  /** Stored priority (null: none yet) and the most urgent triage decision of this batch. */
  priority: number | null;
  triage: { priority: number; reason: string; type: Classification['type'] } | null;
  /** The first detected language among this batch's messages: the case's, unless it already has one. */
  lang?: string | undefined;
}

/**
 * Stores one page of inbound items in ONE transaction: dedupe by network id, drop echoes of our own posts,
 * upsert the authors, thread into conversations, attach to cases, advance the cursor, record events.
 * Set-based: a fixed number of queries per page rather than per item, so a backlog ingests fast.
 *
 * Case rule: the case already holding the conversation (a third party in the thread stays in that case,
 * attributed to themselves), else the author's open case on this channel (so their DM and public thread are
 * one case), else a new case. A resolved, pending or snoozed case reopens.
 */
export async function ingestBatch(
  deps: { db: Db; clock: Clock; classifier?: Classifier },
  batch: IngestBatch,
): Promise<IngestResult> {
  const { channel } = batch;
  const now = deps.clock.now().getTime();
  // Loaded before the transaction opens (once per process), so no transaction waits on it.
  const classifier = deps.classifier ?? (await workspaceClassifier(deps.db, channel.workspace_id)).classifier;
  return deps.db.transaction().execute(async (tx) => {
    const result: IngestResult = { stored: 0, duplicates: 0, echoes: 0, changedCaseIds: [], triaged: [] };
    // One page at a time per channel: a webhook delivery, a poll and a stream can bring one customer's post and
    // DM at the same moment, and two transactions that both see "no open case" would open two. Writing the
    // channel row takes its lock on PostgreSQL (SQLite already runs one writer at a time).
    await tx.updateTable('channels').set({ id: channel.id }).where('id', '=', channel.id).execute();

    // 1. Echoes and duplicates (against the database and within the page).
    const candidates: InboundItem[] = [];
    const seen = new Set<string>();
    for (const item of batch.items) {
      // The desk's own posts come back in timelines; its replies are already stored as outbound messages.
      if (channel.external_account_id && item.author.externalId === channel.external_account_id) {
        result.echoes += 1;
      } else if (seen.has(item.externalId)) {
        result.duplicates += 1;
      } else {
        seen.add(item.externalId);
        candidates.push(item);
      }
    }
    const existing = candidates.length
      ? await tx
          .selectFrom('messages')
          .select('external_id')
          .where('channel_id', '=', channel.id)
          .where(
            'external_id',
            'in',
            candidates.map((i) => i.externalId),
          )
          .execute()
      : [];
    const known = new Set(existing.map((m) => m.external_id));
    const items = candidates.filter((i) => !known.has(i.externalId));
    result.duplicates += candidates.length - items.length;
    if (items.length === 0) {
      if (batch.nextCursor !== undefined) await writeCursor(tx, channel.id, batch.feed, batch.nextCursor, now);
      await batch.alsoInTransaction?.(tx);
      return result;
    }

    // 2. Authors.
    const identities = await upsertIdentities(tx, {
      workspaceId: channel.workspace_id,
      network: channel.network,
      accounts: items.map((i) => i.author),
      now,
    });

    // 3. Conversations, keyed by visibility + network thread id.
    const conversationKey = (visibility: string, externalId: string) => `${visibility}\u0000${externalId}`;
    const conversations = new Map<string, string>();
    for (const visibility of ['public', 'direct'] as const) {
      const ids = [...new Set(items.filter((i) => i.visibility === visibility).map((i) => i.conversationExternalId))];
      if (ids.length === 0) continue;
      const rows = await tx
        .selectFrom('conversations')
        .select(['id', 'external_id'])
        .where('channel_id', '=', channel.id)
        .where('visibility', '=', visibility)
        .where('external_id', 'in', ids)
        .execute();
      for (const row of rows) conversations.set(conversationKey(visibility, row.external_id), row.id);
    }
    const newConversations: NewRow<'conversations'>[] = [];
    for (const item of items) {
      const key = conversationKey(item.visibility, item.conversationExternalId);
      if (conversations.has(key)) continue;
      const id = newId(now);
      conversations.set(key, id);
      newConversations.push({
        id,
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        visibility: item.visibility,
        external_id: item.conversationExternalId,
        created_at: now,
      });
    }
    await insertChunked(tx, 'conversations', newConversations);

    // 4. Parents already stored (parents inside this page are resolved as messages are assigned ids).
    const parentIds = [...new Set(items.map((i) => i.inReplyToExternalId).filter((id): id is string => Boolean(id)))];
    const messageIdByExternal = new Map<string, string>();
    if (parentIds.length > 0) {
      const parents = await tx
        .selectFrom('messages')
        .select(['id', 'external_id'])
        .where('channel_id', '=', channel.id)
        .where('external_id', 'in', parentIds)
        .execute();
      for (const p of parents) if (p.external_id) messageIdByExternal.set(p.external_id, p.id);
    }

    // 5. Cases: those holding these conversations, and the authors' open cases on this channel.
    const conversationIds = [...new Set(conversations.values())];
    const linkedRows = await tx
      .selectFrom('case_conversations')
      .innerJoin('cases', 'cases.id', 'case_conversations.case_id')
      .select([
        'case_conversations.conversation_id as conversationId',
        'cases.id as id',
        'cases.status as status',
        'cases.contact_id as contactId',
        'cases.opened_at as openedAt',
        'cases.last_message_at as lastMessageAt',
        'cases.priority as priority',
      ])
      .where('case_conversations.conversation_id', 'in', conversationIds)
      .orderBy('cases.opened_at', 'asc')
      .execute();
    const contactIds = [...new Set([...identities.values()].map((i) => i.contactId))];
    const openRows = await tx
      .selectFrom('cases')
      .select([
        'id',
        'status',
        'contact_id as contactId',
        'opened_at as openedAt',
        'last_message_at as lastMessageAt',
        'priority',
      ])
      .where('channel_id', '=', channel.id)
      .where('contact_id', 'in', contactIds)
      .where('status', '!=', 'resolved')
      .orderBy('last_message_at', 'asc')
      .execute();

    const drafts = new Map<string, CaseDraft>();
    const draftOf = (row: {
      id: string;
      status: CaseDraft['status'];
      contactId: string;
      openedAt: number;
      lastMessageAt: number;
      priority: number | null;
    }) => {
      let draft = drafts.get(row.id);
      if (!draft) {
        draft = {
          id: row.id,
          isNew: false,
          contactId: row.contactId,
          status: row.status,
          originalStatus: row.status,
          openedAt: row.openedAt,
          preview: '',
          added: 0,
          lastMessageAt: row.lastMessageAt,
          lastInboundAt: null,
          priority: row.priority,
          triage: null,
        };
        drafts.set(row.id, draft);
      }
      return draft;
    };
    // Ascending order above, so the last write wins: the newest case per conversation / per contact.
    const caseByConversation = new Map<string, CaseDraft>();
    for (const row of linkedRows) caseByConversation.set(row.conversationId, draftOf(row));
    const openCaseByContact = new Map<string, CaseDraft>();
    for (const row of openRows) openCaseByContact.set(row.contactId, draftOf(row));

    // Triage, set-based: one policy read per page, then pure CPU work per item.
    const policy = await getPriorityPolicy(tx, channel.workspace_id);

    const afterResolved = await readCaseSettings(tx, channel.workspace_id).then((c) => c.afterResolved);
    // Resolved cases whose satisfaction survey (F25) waits for its answer: a rating sent by DM lands there
    // without reopening the case (it is no work for the agents, and no reopen in the reports).
    const awaitingSurvey = await casesAwaitingSurveyAnswer(
      tx,
      [...drafts.values()].filter((d) => d.status === 'resolved').map((d) => d.id),
      now,
    );
    const newLinks: NewRow<'case_conversations'>[] = [];
    const newMessages: NewRow<'messages'>[] = [];
    const events: EventRecord[] = [];
    const base = { workspaceId: channel.workspace_id, occurredAt: now };

    for (const item of items) {
      const author = identities.get(item.author.externalId)!;
      const conversationId = conversations.get(conversationKey(item.visibility, item.conversationExternalId))!;
      let draft = caseByConversation.get(conversationId);
      const surveyAnswer =
        draft !== undefined &&
        draft.status === 'resolved' &&
        item.visibility === 'direct' &&
        awaitingSurvey.has(draft.id) &&
        parseSurveyAnswer(item.text) !== null;
      // A workspace may prefer a fresh case to a reopened one when a customer writes again after resolution.
      if (draft && draft.status === 'resolved' && afterResolved === 'new_case' && !surveyAnswer) draft = undefined;
      if (!draft) {
        draft = openCaseByContact.get(author.contactId);
        if (draft && draft.status === 'resolved') draft = undefined;
        if (!draft) {
          draft = {
            id: newId(now),
            isNew: true,
            contactId: author.contactId,
            status: 'open',
            originalStatus: 'open',
            openedAt: now,
            preview: '',
            added: 0,
            lastMessageAt: 0,
            lastInboundAt: null,
            priority: null,
            triage: null,
          };
          drafts.set(draft.id, draft);
          events.push({
            ...base,
            type: 'case.opened',
            caseId: draft.id,
            actor: { type: 'system' },
            payload: { contactId: author.contactId },
          });
        } else {
          events.push({
            ...base,
            type: 'case.conversation_linked',
            caseId: draft.id,
            subjectId: conversationId,
            actor: { type: 'system' },
          });
        }
        newLinks.push({ case_id: draft.id, conversation_id: conversationId, linked_at: now });
        caseByConversation.set(conversationId, draft);
        openCaseByContact.set(author.contactId, draft);
      }
      if (draft.status !== 'open' && !surveyAnswer) {
        events.push({
          ...base,
          type: draft.status === 'resolved' ? 'case.reopened' : 'case.status_changed',
          caseId: draft.id,
          actor: { type: 'system' },
          payload: { from: draft.status, to: 'open', reason: 'inbound_message' },
        });
        draft.status = 'open';
      }

      const messageId = newId(now);
      const createdAt = item.createdAt.getTime();
      const classification = classifier.classify(item.text);
      const signals = {
        followers: item.author.followersCount ?? null,
        verified: item.author.verified ?? false,
        // The customer writes again: the case already existed, or this page already brought them in.
        repeatContact: !draft.isNew || draft.added > 0,
      };
      const decision = decidePriority(classification, signals, policy);
      // A survey rating raises no priority and runs no rules: the case stays resolved.
      if (!surveyAnswer && (!draft.triage || decision.priority < draft.triage.priority)) {
        draft.triage = { priority: decision.priority, reason: decision.reason, type: classification.type };
      }
      if (!surveyAnswer)
        result.triaged.push({
          messageId,
          caseId: draft.id,
          caseOpened: draft.isNew,
          text: item.text,
          visibility: item.visibility,
          author: { followers: signals.followers, verified: signals.verified },
          classification,
          decision,
        });
      messageIdByExternal.set(item.externalId, messageId);
      const messageLang = item.lang ?? (classification.language === 'und' ? null : classification.language);
      draft.lang ??= messageLang ?? undefined;
      newMessages.push({
        id: messageId,
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        conversation_id: conversationId,
        direction: 'inbound',
        visibility: item.visibility,
        kind: item.kind,
        external_id: item.externalId,
        in_reply_to_external_id: item.inReplyToExternalId ?? null,
        in_reply_to_message_id: item.inReplyToExternalId
          ? (messageIdByExternal.get(item.inReplyToExternalId) ?? null)
          : null,
        author_identity_id: author.identityId,
        author_agent_id: null,
        text: item.text,
        lang: messageLang,
        url: item.url ?? null,
        created_at: createdAt,
        recorded_at: now,
        delivery_status: null,
        delivery_error: null,
        delivery_attempts: 0,
        idempotency_key: null,
        raw: JSON.stringify(item.raw ?? null),
        type: classification.type,
        sentiment: classification.sentiment,
        urgency: classification.urgency.join(','),
        priority: decision.priority,
      });
      draft.added += 1;
      // Posts can arrive out of order (a fetched parent, a resumed backlog): keep the latest as preview.
      if (createdAt >= draft.lastMessageAt) {
        draft.lastMessageAt = createdAt;
        draft.preview = previewOf(item.text);
      }
      draft.lastInboundAt = Math.max(draft.lastInboundAt ?? 0, createdAt);
      events.push({
        ...base,
        // Not `message.received`: that one starts response clocks and counts as a customer waiting.
        type: surveyAnswer ? 'survey.answer_received' : 'message.received',
        caseId: draft.id,
        subjectId: messageId,
        actor: { type: 'contact', id: author.contactId },
        payload: { kind: item.kind, visibility: item.visibility, externalId: item.externalId },
      });
    }

    // 6. Write everything back: new cases whole, touched cases in one update each.
    const touched = [...drafts.values()].filter((d) => d.added > 0 || d.status !== d.originalStatus);
    await insertChunked(
      tx,
      'cases',
      touched
        .filter((d) => d.isNew)
        .map((d) => ({
          id: d.id,
          workspace_id: channel.workspace_id,
          channel_id: channel.id,
          contact_id: d.contactId,
          status: d.status,
          priority: d.triage?.priority ?? null,
          type: d.triage?.type ?? null,
          priority_reason: d.triage?.reason ?? null,
          lang: d.lang ?? null,
          assignee_agent_id: null,
          team_id: null,
          preview: d.preview,
          message_count: d.added,
          opened_at: d.openedAt,
          last_message_at: d.lastMessageAt,
          last_inbound_at: d.lastInboundAt,
          first_response_at: null,
          resolved_at: null,
          updated_at: now,
        })),
    );
    for (const d of touched.filter((d) => !d.isNew)) {
      await tx
        .updateTable('cases')
        .set((eb) => ({
          status: d.status,
          ...(d.status !== d.originalStatus ? { resolved_at: null } : {}),
          message_count: eb('message_count', '+', d.added),
          ...(d.preview ? { preview: d.preview } : {}),
          last_message_at: sql<number>`case when last_message_at > ${d.lastMessageAt} then last_message_at else ${d.lastMessageAt} end`,
          last_inbound_at: d.lastInboundAt,
          ...(d.lang ? { lang: sql<string>`coalesce(lang, ${d.lang})` } : {}),
          // Triage only ever raises a case's priority; a lower one is for an agent or a rule to set.
          ...(d.triage && (d.priority === null || d.triage.priority < d.priority)
            ? { priority: d.triage.priority, type: d.triage.type, priority_reason: d.triage.reason }
            : {}),
          updated_at: now,
        }))
        .where('id', '=', d.id)
        .execute();
    }
    await insertChunked(tx, 'case_conversations', newLinks);
    await insertChunked(tx, 'messages', newMessages);
    await recordEvents(tx, events);
    if (batch.nextCursor !== undefined) await writeCursor(tx, channel.id, batch.feed, batch.nextCursor, now);
    await batch.alsoInTransaction?.(tx);

    result.stored = items.length;
    result.changedCaseIds = touched.map((d) => d.id);
    return result;
  });
}

/** Of these resolved cases, those whose survey question went out and still waits for its answer. */
async function casesAwaitingSurveyAnswer(tx: DbOrTx, caseIds: string[], now: number): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('case_surveys')
    .select('case_id')
    .where('case_id', 'in', caseIds)
    .where('message_id', 'is not', null)
    .where('answered_at', 'is', null)
    .where('sent_at', '>=', now - SURVEY_ANSWER_WINDOW_MS)
    .execute();
  return new Set(rows.map((r) => r.case_id));
}
