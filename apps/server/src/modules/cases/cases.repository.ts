import {
  splitListParam,
  type CaseEvent,
  type CaseSort,
  type CaseStatus,
  type CaseSummary,
  type CaseView,
  type Message,
  type Note,
  type Tag,
} from '@guichet/contracts';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Database, Row } from '../../platform/db/schema.ts';
import { slaOfCases, slaViewBounds } from '../sla/sla.queries.ts';
import { approvalsOfMessages } from '../approvals/approvals.repository.ts';
import { engagementsOfMessages } from '../conversations/engagement/engagement.repository.ts';
import { caseSearchCondition, hasRow, planCaseSearch, type CaseSearch, type SearchDialect } from './cases.search.ts';

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

function toSummary(row: SummaryRow, tags: Tag[], sla: CaseSummary['sla']): CaseSummary {
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
    sla,
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
  return rows.map((row) => toSummary(row, tags.get(row.id) ?? [], sla.get(row.id) ?? null));
}

/** Unassigned priority sorts after every set priority (1 is the most urgent). */
const priorityRank = sql<number>`coalesce(cases.priority, 9)`;

interface CaseCursor {
  rank: number;
  at: number;
  id: string;
}

/** `at` is the sort's time: the latest activity (newest first) or the opening (priority, then age). */
export function encodeCaseCursor(
  row: { lastMessageAt: string; id: string; priority?: number | null },
  at?: string,
): string {
  return Buffer.from(`${row.priority ?? 9}:${Date.parse(at ?? row.lastMessageAt)}:${row.id}`).toString('base64url');
}

function decodeCaseCursor(cursor: string): CaseCursor | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  // Cursors from before priorities were sortable have two parts.
  const [rank, at, id] = parts.length === 2 ? ['9', ...parts] : parts;
  const ms = Number(at);
  const rankNumber = Number(rank);
  return Number.isFinite(ms) && Number.isFinite(rankNumber) && id ? { rank: rankNumber, at: ms, id } : null;
}

/** Statuses a view shows when the agent did not pick one. */
export const viewStatuses: Record<CaseView, CaseStatus[]> = {
  mine: ['open', 'pending'],
  unassigned: ['open', 'pending'],
  all: ['open', 'pending', 'snoozed'],
  breaching_soon: ['open', 'pending'],
  breached: ['open', 'pending'],
  snoozed: ['snoozed'],
  resolved: ['resolved'],
};

export interface CaseListOptions {
  view?: CaseView | undefined;
  status?: CaseStatus | undefined;
  assigneeId?: string | undefined;
  tagId?: string | undefined;
  channelId?: string | undefined;
  teamId?: string | undefined;
  /** Comma-separated lists (`complaint,question`, `1,2`, `fr,en`), as the query string carries them. */
  type?: string | undefined;
  priority?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
  sort?: CaseSort | undefined;
  limit: number;
  cursor?: string | undefined;
  /** The agent asking: what "mine" means. */
  agentId?: string | undefined;
  /** What "breaching soon" and "breached" are measured against (the desk's clock). */
  now?: number | undefined;
  /** Which indexes serve the search (cases.search.ts). */
  dialect?: SearchDialect | undefined;
}

/** Only the case's own columns: the page is chosen on `cases` alone, then its rows are read in full. */
function casePageQuery(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('cases')
    .select([
      'cases.id as id',
      'cases.priority as priority',
      'cases.opened_at as openedAt',
      'cases.last_message_at as lastMessageAt',
    ])
    .where('cases.workspace_id', '=', workspaceId);
}

type CasePageQuery = ReturnType<typeof casePageQuery>;

interface SlaFilter {
  bounds: ReturnType<typeof slaViewBounds>;
  /** Few live clocks fall in the bounds. */
  sparse: boolean;
}

/** Up to this many clocks due in a view's bounds, its page is read from the clocks. */
const SPARSE_CLOCKS = 2000;

async function planSlaFilter(
  db: DbOrTx,
  workspaceId: string,
  bounds: ReturnType<typeof slaViewBounds>,
): Promise<SlaFilter> {
  let clocks = db
    .selectFrom('sla_clocks')
    .select('sla_clocks.id')
    .where('sla_clocks.workspace_id', '=', workspaceId)
    .where('sla_clocks.stopped_at', 'is', null)
    .where('sla_clocks.due_at', '<=', bounds.atMost);
  if (bounds.above !== null) clocks = clocks.where('sla_clocks.due_at', '>', bounds.above);
  const row = await db
    .selectFrom(clocks.limit(SPARSE_CLOCKS + 1).as('due'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { bounds, sparse: Number(row?.n ?? 0) <= SPARSE_CLOCKS };
}

/**
 * Every filter is a condition on `cases` (joined tables only inside `in (…)` / `exists`), so the database
 * can either walk the queue's index in order or start from a selective filter's index, whichever is cheaper.
 */
function applyFilters(
  q: CasePageQuery,
  workspaceId: string,
  options: Omit<CaseListOptions, 'limit' | 'cursor' | 'sort'>,
  search: CaseSearch | null,
  sla: SlaFilter | null,
): CasePageQuery {
  let query = q;
  if (options.view === 'mine') query = query.where('cases.assignee_agent_id', '=', options.agentId ?? '');
  if (options.view === 'unassigned') query = query.where('cases.assignee_agent_id', 'is', null);
  if (sla) {
    // Few cases due in the window (breaching soon): read them from the clocks' index. Many (a backlog of
    // breached cases): walk the queue in order and test each case's clocks, a page is found at once.
    const { bounds, sparse } = sla;
    const live = (eb: ExpressionBuilder<Database, 'cases'>) => {
      let clocks = eb
        .selectFrom('sla_clocks')
        .select('sla_clocks.case_id')
        .where('sla_clocks.stopped_at', 'is', null)
        .where('sla_clocks.due_at', '<=', bounds.atMost);
      if (bounds.above !== null) clocks = clocks.where('sla_clocks.due_at', '>', bounds.above);
      return clocks;
    };
    query = sparse
      ? query.where('cases.id', 'in', (eb) => live(eb).where('sla_clocks.workspace_id', '=', workspaceId))
      : query.where((eb) => hasRow(live(eb).whereRef('sla_clocks.case_id', '=', 'cases.id')));
  }
  if (options.status) query = query.where('cases.status', '=', options.status);
  else if (options.view) query = query.where('cases.status', 'in', viewStatuses[options.view]);
  if (options.assigneeId) query = query.where('cases.assignee_agent_id', '=', options.assigneeId);
  if (options.channelId) query = query.where('cases.channel_id', '=', options.channelId);
  if (options.teamId) query = query.where('cases.team_id', '=', options.teamId);
  const types = splitListParam(options.type) as NonNullable<Row<'cases'>['type']>[];
  if (types.length > 0) query = query.where('cases.type', 'in', types);
  // Written as the queue index's own expression, so a priority filter reads that index in order.
  const priorities = splitListParam(options.priority).map(Number);
  if (priorities.length > 0) query = query.where(priorityRank, 'in', priorities);
  const languages = splitListParam(options.language);
  if (languages.length > 0) query = query.where('cases.lang', 'in', languages);
  if (options.tagId) {
    const tagId = options.tagId;
    query = query.where('cases.id', 'in', (eb) =>
      eb.selectFrom('case_tags').select('case_tags.case_id').where('case_tags.tag_id', '=', tagId),
    );
  }
  if (search) query = query.where((eb) => caseSearchCondition(eb, search));
  return query;
}

/**
 * A page of cases, keyset-paginated so pages stay stable as cases arrive. `newest` (the default): latest
 * activity first. `priority`: the most urgent first, then the one open the longest.
 */
export async function listCases(
  db: DbOrTx,
  workspaceId: string,
  query: CaseListOptions,
): Promise<{ cases: CaseSummary[]; nextCursor: string | null }> {
  const words = query.q?.trim();
  const search = words ? await planCaseSearch(db, query.dialect ?? 'sqlite', words) : null;
  const sla =
    query.view === 'breaching_soon' || query.view === 'breached'
      ? await planSlaFilter(db, workspaceId, slaViewBounds(query.view, query.now ?? Date.now()))
      : null;
  let q = applyFilters(casePageQuery(db, workspaceId), workspaceId, query, search, sla);
  const after = query.cursor ? decodeCaseCursor(query.cursor) : null;
  const sort = query.sort ?? 'newest';
  if (sort === 'newest') {
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('cases.last_message_at', '<', after.at),
          eb.and([eb('cases.last_message_at', '=', after.at), eb('cases.id', '<', after.id)]),
        ]),
      );
    }
    q = q.orderBy('cases.last_message_at', 'desc').orderBy('cases.id', 'desc');
  } else {
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb(priorityRank, '>', after.rank),
          eb.and([eb(priorityRank, '=', after.rank), eb('cases.opened_at', '>', after.at)]),
          eb.and([
            eb(priorityRank, '=', after.rank),
            eb('cases.opened_at', '=', after.at),
            eb('cases.id', '>', after.id),
          ]),
        ]),
      );
    }
    // Age is how long the case has been open: a chatty customer does not lose their place in line.
    q = q.orderBy(priorityRank).orderBy('cases.opened_at', 'asc').orderBy('cases.id', 'asc');
  }
  const page = await q.limit(query.limit + 1).execute();
  const ids = page.slice(0, query.limit).map((row) => row.id);
  const rows = ids.length === 0 ? [] : await caseSummaryQuery(db, workspaceId).where('cases.id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const cases = await toSummaries(
    db,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
  const last = cases[cases.length - 1];
  const nextCursor =
    page.length > query.limit && last
      ? encodeCaseCursor(last, sort === 'priority' ? last.openedAt : last.lastMessageAt)
      : null;
  return { cases, nextCursor };
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

function messageQuery(db: DbOrTx) {
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
      'identities.contact_id as authorContactId',
      'identities.name as authorName',
      'identities.handle as authorHandle',
      'agents.id as agentId',
      'agents.name as agentName',
    ]);
}

type MessageRow = Awaited<ReturnType<ReturnType<typeof messageQuery>['executeTakeFirstOrThrow']>>;

function toMessage(row: MessageRow, caseContactId: string): Message {
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
  };
}

/** Adds each message's approval (F17) and likes / reposts (F16), two queries for the whole list. */
async function withReviewAndEngagements(db: DbOrTx, messages: Message[]): Promise<Message[]> {
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
