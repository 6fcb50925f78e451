import { sql } from 'kysely';
import { dialectOf, type DbOrTx } from '../../../../platform/db/database.ts';
import type { CaseDraft, PageContext } from '../page.ts';

/** The columns of a stored case that the cases stage builds its draft from. */
export interface CaseRow {
  id: string;
  status: CaseDraft['status'];
  contactId: string;
  openedAt: number;
  lastMessageAt: number;
  priority: number | null;
  priorityReason: string | null;
  lang: string | null;
}

const CASE_COLUMNS = [
  'cases.id as id',
  'cases.status as status',
  'cases.contact_id as contactId',
  'cases.opened_at as openedAt',
  'cases.last_message_at as lastMessageAt',
  'cases.priority as priority',
  'cases.priority_reason as priorityReason',
  'cases.lang as lang',
] as const;

/** The same columns for the PostgreSQL statements below, which Kysely's builder cannot write. */
const PG_CASE_COLUMNS = sql.raw(
  CASE_COLUMNS.map((c) => {
    const [column, alias] = c.split(' as ') as [string, string];
    return `${column} as "${alias}"`;
  }).join(', '),
);

type OpenCaseRow = CaseRow & { channelId: string };

export interface PageCases {
  /** The cases holding the page's conversations, oldest first, with the conversation each holds. */
  linked: (CaseRow & { conversationId: string })[];
  /** The page's authors' cases that are not resolved, least recently active first, with their channel. */
  open: OpenCaseRow[];
}

/** PostgreSQL: the cases holding these conversations, oldest first. */
export const linkedCasesStatement = (conversationIds: string[]) =>
  sql<PageCases['linked'][number]>`select cc.conversation_id as "conversationId", r.*
    from unnest(cast(${conversationIds} as text[])) as w(k)
    cross join lateral (select case_id, conversation_id from case_conversations
      where conversation_id = w.k offset 0) cc
    cross join lateral (select ${PG_CASE_COLUMNS} from cases where cases.id = cc.case_id limit 1) r
    order by r."openedAt" asc`;

/** PostgreSQL: these contacts' cases that are not resolved, least recently active first. */
export const openCasesStatement = (contactIds: string[]) =>
  sql<OpenCaseRow>`select r.*
    from unnest(cast(${contactIds} as text[])) as w(k)
    cross join lateral (select ${PG_CASE_COLUMNS}, cases.channel_id as "channelId" from cases
      where cases.contact_id = w.k and cases.status != 'resolved' offset 0) r
    order by r."lastMessageAt" asc`;

/**
 * PostgreSQL: one index probe per conversation and per contact (`unnest … cross join lateral`), as
 * selectByKeys does for unique keys. Until a table is first analysed (a new desk before autovacuum's first
 * ANALYZE, a backlog caught up in its first minutes, the ingestion bench) the planner answered the `in (…)`
 * forms with a sequential scan of `case_conversations` hashed against a sequential scan of `cases`: a read
 * that grows with the tables (1.1 ms per page after 10,000 posts) where the probes read a few buffers per
 * key whatever the size. `offset 0` keeps each probe a subquery (a plain lateral subquery is pulled up into
 * a join and planned that way again); the case behind a link is read by its primary key.
 */
async function loadCasesPostgres(tx: DbOrTx, conversationIds: string[], contactIds: string[]): Promise<PageCases> {
  const linked = await linkedCasesStatement(conversationIds).execute(tx);
  const open = await openCasesStatement(contactIds).execute(tx);
  return { linked: linked.rows, open: open.rows };
}

async function loadCasesSqlite(tx: DbOrTx, conversationIds: string[], contactIds: string[]): Promise<PageCases> {
  const linked = await tx
    .selectFrom('case_conversations')
    .innerJoin('cases', 'cases.id', 'case_conversations.case_id')
    .select(['case_conversations.conversation_id as conversationId', ...CASE_COLUMNS])
    .where('case_conversations.conversation_id', 'in', conversationIds)
    .orderBy('cases.opened_at', 'asc')
    .execute();
  const open = await tx
    .selectFrom('cases')
    .select([...CASE_COLUMNS, 'cases.channel_id as channelId'])
    .where('cases.contact_id', 'in', contactIds)
    .where('cases.status', '!=', 'resolved')
    .orderBy('cases.last_message_at', 'asc')
    .execute();
  return { linked, open };
}

/** Cases holding the page's conversations (oldest first) and its authors' open cases on this channel. */
export async function loadPageCases(ctx: PageContext): Promise<PageCases> {
  const conversationIds = [...new Set(ctx.conversations.values())];
  const contactIds = [...new Set([...ctx.identities.values()].map((i) => i.contactId))];
  const found = await (dialectOf(ctx.tx) === 'postgres' ? loadCasesPostgres : loadCasesSqlite)(
    ctx.tx,
    conversationIds,
    contactIds,
  );
  // The channel is checked here, not in SQL: given `channel_id = ?`, SQLite's planner (no statistics) walked
  // every case of the channel through a queue index instead of the few cases of these contacts.
  return { linked: found.linked, open: found.open.filter((row) => row.channelId === ctx.channel.id) };
}
