import type { CaseEvent, CaseSummary, Message, Note, Tag } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { slaOfCases } from '../sla/sla.queries.ts';
import { approvalsOfMessages } from '../approvals/approvals.repository.ts';
import { engagementsOfMessages } from '../conversations/engagement/engagement.repository.ts';
import {
  applyFilters,
  casePageQuery,
  planCaseFilters,
  type CaseListOptions,
  type CasePageQuery,
  type FilterPlan,
} from './cases.filters.ts';
import { cursorAfterRow, decodeCaseCursor, encodeCaseCursor, orderCasePage } from './cases.cursor.ts';
import { SCANNED_CASES, scanBounded, scansBounded } from './cases.scan.ts';
import { parseAttachments } from '../conversations/attachments.ts';
import { lastMessageCues, type LastMessageCue } from './cases.last-message.ts';

export { viewStatuses, type CaseListOptions } from './cases.filters.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function caseSummaryQuery(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('cases')
    .innerJoin('contacts', 'contacts.id', 'cases.contact_id')
    .innerJoin('channels', 'channels.id', 'cases.channel_id')
    .leftJoin('identities', (join) =>
      join.onRef('identities.contact_id', '=', 'cases.contact_id').onRef('identities.network', '=', 'channels.network'),
    )
    .leftJoin('agents as assignee', 'assignee.id', 'cases.assignee_agent_id')
    .leftJoin('teams', 'teams.id', 'cases.team_id')
    .select([
      'cases.id as id',
      'cases.status as status',
      'cases.priority as priority',
      'cases.preview as preview',
      'cases.opened_at as openedAt',
      'cases.last_message_at as lastMessageAt',
      'cases.message_count as messageCount',
      'cases.channel_id as channelId',
      'cases.snoozed_until as snoozedUntil',
      'cases.snooze_reminder as snoozeReminder',
      'contacts.id as contactId',
      'contacts.name as contactName',
      'identities.handle as handle',
      'identities.network as network',
      'identities.avatar_url as avatarUrl',
      'assignee.id as assigneeId',
      'assignee.name as assigneeName',
      'teams.id as teamId',
      'teams.name as teamName',
    ])
    .where('cases.workspace_id', '=', workspaceId);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof caseSummaryQuery>['executeTakeFirstOrThrow']>>;

function toSummary(row: SummaryRow, tags: Tag[], sla: CaseSummary['sla'], cue?: LastMessageCue): CaseSummary {
  return {
    id: row.id,
    status: row.status,
    priority: row.priority,
    preview: row.preview,
    openedAt: iso(row.openedAt),
    lastMessageAt: iso(row.lastMessageAt),
    messageCount: row.messageCount,
    channelId: row.channelId,
    contact: {
      id: row.contactId,
      name: row.contactName,
      handle: row.handle,
      network: row.network,
      avatarUrl: row.avatarUrl,
    },
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? '' } : null,
    team: row.teamId ? { id: row.teamId, name: row.teamName ?? '' } : null,
    tags,
    snooze:
      row.status === 'snoozed' && row.snoozedUntil !== null
        ? { until: iso(row.snoozedUntil), reminder: row.snoozeReminder }
        : null,
    // A resolved case owes nothing: no "time left", even if a clock has not been stopped yet.
    sla: row.status === 'resolved' ? null : sla,
    lastVisibility: cue?.lastVisibility ?? null,
    answered: cue?.answered ?? false,
  };
}

/** The tags of several cases in one query, each list sorted by name. */
export async function tagsOfCases(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, Tag[]>> {
  const byCase = new Map<string, Tag[]>();
  if (caseIds.length === 0) return byCase;
  const rows = await db
    .selectFrom('case_tags')
    .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
    .select(['case_tags.case_id as caseId', 'tags.id as id', 'tags.name as name', 'tags.color as color'])
    .where('case_tags.case_id', 'in', [...caseIds])
    .orderBy('tags.name')
    .execute();
  for (const row of rows) {
    const list = byCase.get(row.caseId) ?? [];
    list.push({ id: row.id, name: row.name, color: row.color });
    byCase.set(row.caseId, list);
  }
  return byCase;
}

async function toSummaries(db: DbOrTx, rows: SummaryRow[]): Promise<CaseSummary[]> {
  const ids = rows.map((row) => row.id);
  const tags = await tagsOfCases(db, ids);
  const sla = await slaOfCases(db, ids);
  const cues = await lastMessageCues(db, ids);
  return rows.map((row) => toSummary(row, tags.get(row.id) ?? [], sla.get(row.id) ?? null, cues.get(row.id)));
}

/** A page of cases, and where a search stopped when it scanned only part of the list. */
export interface CasePage {
  cases: CaseSummary[];
  nextCursor: string | null;
  partialScan: { scannedCases: number } | null;
}

/**
 * A page of cases, keyset-paginated so pages stay stable as cases arrive. `newest` (the default): latest
 * activity first. `priority`: the most urgent first, then the one open the longest. A search tested case by
 * case reads a bounded window of the list (cases.scan.ts): when the window ends before the page is full,
 * `partialScan` says how many cases were searched and `nextCursor` goes on after them.
 */
export async function listCases(db: DbOrTx, workspaceId: string, query: CaseListOptions): Promise<CasePage> {
  return listCasePage(db, workspaceId, query, await planCaseFilters(db, workspaceId, query));
}

/** The page `listCases` returns, read the way `plan` says (tests give each plan the data could pick). */
export async function listCasePage(
  db: DbOrTx,
  workspaceId: string,
  query: CaseListOptions,
  plan: FilterPlan,
): Promise<CasePage> {
  const after = query.cursor ? decodeCaseCursor(query.cursor) : null;
  const sort = query.sort ?? 'newest';
  const inOrder = (q: CasePageQuery) => orderCasePage(q, query, after);
  const windowSize = query.scanWindow ?? SCANNED_CASES;
  const scan = scansBounded(plan) ? await scanBounded(db, workspaceId, query, plan, inOrder, windowSize) : null;
  const page =
    scan?.rows ??
    (await inOrder(
      applyFilters(casePageQuery(db, workspaceId, plan, query.dialect ?? 'sqlite'), workspaceId, query, plan),
    )
      .limit(query.limit + 1)
      .execute());
  const ids = page.slice(0, query.limit).map((row) => row.id);
  const rows = ids.length === 0 ? [] : await caseSummaryQuery(db, workspaceId).where('cases.id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const cases = await toSummaries(
    db,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
  const last = cases[cases.length - 1];
  if (page.length > query.limit && last) {
    const nextCursor = encodeCaseCursor(last, sort === 'priority' ? last.openedAt : last.lastMessageAt);
    return { cases, nextCursor, partialScan: null };
  }
  const stoppedAfter = scan?.stoppedAfter;
  if (stoppedAfter) {
    return { cases, nextCursor: cursorAfterRow(stoppedAfter, sort), partialScan: { scannedCases: windowSize } };
  }
  return { cases, nextCursor: null, partialScan: null };
}

export async function findCaseSummary(db: DbOrTx, workspaceId: string, caseId: string): Promise<CaseSummary | null> {
  const row = await caseSummaryQuery(db, workspaceId).where('cases.id', '=', caseId).executeTakeFirst();
  return row ? ((await toSummaries(db, [row]))[0] ?? null) : null;
}

export function findCaseRow(db: DbOrTx, workspaceId: string, caseId: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', caseId)
    .executeTakeFirst();
}

export function messageQuery(db: DbOrTx) {
  return db
    .selectFrom('messages')
    .leftJoin('identities', 'identities.id', 'messages.author_identity_id')
    .leftJoin('agents', 'agents.id', 'messages.author_agent_id')
    .select([
      'messages.id as id',
      'messages.conversation_id as conversationId',
      'messages.direction as direction',
      'messages.visibility as visibility',
      'messages.text as text',
      'messages.created_at as createdAt',
      'messages.external_id as externalId',
      'messages.url as url',
      'messages.in_reply_to_message_id as inReplyToMessageId',
      'messages.delivery_status as deliveryStatus',
      'messages.delivery_error as deliveryError',
      'messages.attachments as attachments',
      'identities.contact_id as authorContactId',
      'identities.name as authorName',
      'identities.handle as authorHandle',
      'agents.id as agentId',
      'agents.name as agentName',
    ]);
}

export type MessageRow = Awaited<ReturnType<ReturnType<typeof messageQuery>['executeTakeFirstOrThrow']>>;

export function toMessage(row: MessageRow, caseContactId: string): Message {
  const author: Message['author'] =
    row.direction === 'outbound' || !row.authorContactId
      ? { kind: 'agent', agentId: row.agentId, name: row.agentName ?? '' }
      : {
          kind: 'contact',
          contactId: row.authorContactId,
          name: row.authorName ?? row.authorHandle ?? '',
          handle: row.authorHandle,
          isCaseContact: row.authorContactId === caseContactId,
        };
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    visibility: row.visibility,
    text: row.text,
    author,
    createdAt: iso(row.createdAt),
    externalId: row.externalId,
    externalUrl: row.url,
    inReplyToMessageId: row.inReplyToMessageId,
    deliveryStatus: row.deliveryStatus,
    deliveryError: row.deliveryError,
    approval: null,
    engagements: [],
    attachments: parseAttachments(row.attachments),
  };
}

/** Adds each message's approval (F17) and likes / reposts (F16), two queries for the whole list. */
export async function withReviewAndEngagements(db: DbOrTx, messages: Message[]): Promise<Message[]> {
  const ids = messages.map((message) => message.id);
  const [approvals, engagements] = [await approvalsOfMessages(db, ids), await engagementsOfMessages(db, ids)];
  return messages.map((message) => ({
    ...message,
    approval: approvals.get(message.id) ?? null,
    engagements: engagements.get(message.id) ?? [],
  }));
}

/** Every message of every conversation of the case, in the order they happened. */
export async function listCaseMessages(db: DbOrTx, caseRow: Row<'cases'>): Promise<Message[]> {
  const rows = await messageQuery(db)
    .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
    .where('case_conversations.case_id', '=', caseRow.id)
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .execute();
  return withReviewAndEngagements(
    db,
    rows.map((row) => toMessage(row, caseRow.contact_id)),
  );
}

export async function findMessage(db: DbOrTx, messageId: string, caseContactId: string): Promise<Message | null> {
  const row = await messageQuery(db).where('messages.id', '=', messageId).executeTakeFirst();
  return row ? ((await withReviewAndEngagements(db, [toMessage(row, caseContactId)]))[0] ?? null) : null;
}

/** Notes of a case or of a contact, oldest first. */
export async function listNotes(db: DbOrTx, where: { caseId: string } | { contactId: string }): Promise<Note[]> {
  let q = db
    .selectFrom('notes')
    .innerJoin('agents', 'agents.id', 'notes.agent_id')
    .select([
      'notes.id as id',
      'notes.body as body',
      'notes.created_at as createdAt',
      'agents.id as agentId',
      'agents.name as agentName',
    ]);
  q =
    'caseId' in where ? q.where('notes.case_id', '=', where.caseId) : q.where('notes.contact_id', '=', where.contactId);
  const rows = await q.orderBy('notes.created_at').orderBy('notes.id').execute();
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    author: { id: row.agentId, name: row.agentName },
    createdAt: iso(row.createdAt),
  }));
}

/** The case's events with the acting agent's name, oldest first. */
export async function listCaseHistory(db: DbOrTx, caseId: string): Promise<CaseEvent[]> {
  const rows = await db
    .selectFrom('events')
    .leftJoin('agents', (join) => join.onRef('agents.id', '=', 'events.actor_id').on('events.actor_type', '=', 'agent'))
    .select([
      'events.id as id',
      'events.type as type',
      'events.actor_type as actorType',
      'events.actor_id as actorId',
      'events.payload as payload',
      'events.occurred_at as occurredAt',
      'agents.name as agentName',
    ])
    .where('events.case_id', '=', caseId)
    .orderBy('events.occurred_at')
    .orderBy('events.id')
    .execute();
  return rows.map((row) => {
    let payload: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(row.payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
    } catch {
      // A payload that is not JSON is shown without details rather than breaking the history.
    }
    return {
      id: row.id,
      type: row.type,
      actor: { type: row.actorType, id: row.actorId, name: row.agentName ?? null },
      payload,
      occurredAt: iso(row.occurredAt),
    };
  });
}
