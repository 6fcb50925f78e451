import { splitListParam, type CaseSort, type CaseStatus, type CaseView } from '@guichet/contracts';
import { sql, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Database, Row } from '../../platform/db/schema.ts';
import { slaViewBounds } from '../sla/sla.queries.ts';
import {
  caseIdAmong,
  caseSearchCondition,
  hasRow,
  planCaseSearch,
  type CaseSearch,
  type SearchDialect,
} from './cases.search.ts';

/**
 * The queue's filters as conditions on `cases`, and for the ones that can be read two ways (SLA views, a
 * tag, a search), the choice of way: start from the few matching cases, or walk the queue's index in order
 * testing each case, which finds a page at once when matches are common.
 */

/** Statuses a view shows when the agent did not pick one. */
export const viewStatuses: Record<CaseView, CaseStatus[]> = {
  mine: ['open', 'pending'],
  unassigned: ['open', 'pending'],
  all: ['open', 'pending', 'snoozed'],
  breaching_soon: ['open', 'pending'],
  breached: ['open', 'pending'],
  snoozed: ['snoozed'],
  resolved: ['resolved'],
  complaints: ['open', 'pending'],
};

/** Unassigned priority sorts after every set priority (1 is the most urgent). */
export const priorityRank = sql<number>`coalesce(cases.priority, 9)`;

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
  /** Latest activity in [from, to) (ISO-8601), the search's date range. */
  from?: string | undefined;
  to?: string | undefined;
  sort?: CaseSort | undefined;
  limit: number;
  cursor?: string | undefined;
  /** The agent asking: what "mine" means. */
  agentId?: string | undefined;
  /** What "breaching soon" and "breached" are measured against (the desk's clock). */
  now?: number | undefined;
  /** Which indexes serve the search (cases.search.ts). */
  dialect?: SearchDialect | undefined;
  /** How many cases a search tested case by case reads for a page (cases.scan.ts); tests set fewer. */
  scanWindow?: number | undefined;
}

/**
 * SQLite reads a page from a tag's few cases only when told to: given `cases.id in (…)` beside the queue's
 * order and an assignee, on a database without ANALYZE statistics (a desk never runs ANALYZE) its planner
 * walked all of the agent's cases in order (100,000 at 1,000,000 cases), reading each case's row and
 * probing the list, for a tag and a search that match nothing together (npm run bench:inbox). Its CROSS
 * JOIN keeps the order written: the list drives, and only the cases in it are read and sorted.
 * PostgreSQL is told by `= any(array(…))` (cases.search.ts `caseIdAmong`).
 */
function startsFromTag(plan: FilterPlan, dialect: SearchDialect): boolean {
  return dialect === 'sqlite' && plan.tag !== null && plan.tag.drives;
}

/** The tag's cases. */
function taggedCases(tagId: string): RawBuilder<unknown> {
  return sql`select case_tags.case_id from case_tags where case_tags.tag_id = ${tagId}`;
}

/**
 * Only the case's own columns: the page is chosen on `cases` alone, then its rows are read in full. It
 * starts from the queue (any of its indexes) or, when the plan says so, from the tag's listed cases.
 */
export function casePageQuery(db: DbOrTx, workspaceId: string, plan: FilterPlan, dialect: SearchDialect) {
  const from =
    plan.tag && startsFromTag(plan, dialect)
      ? (db
          .selectFrom(sql<{ case_id: string }>`(${taggedCases(plan.tag.tagId)})`.as('listed'))
          .crossJoin('cases')
          .whereRef('cases.id', '=', sql.ref('listed.case_id')) as unknown as CaseSource)
      : db.selectFrom('cases');
  return casePageFrom(from, workspaceId);
}

/** `cases`, or rows that stand for them under that name (a window of the queue: cases.scan.ts). */
export type CaseSource = SelectQueryBuilder<Database, 'cases', object>;

/** The page's columns from a source of cases. */
export function casePageFrom(from: CaseSource, workspaceId: string) {
  return from
    .select([
      'cases.id as id',
      'cases.priority as priority',
      'cases.opened_at as openedAt',
      'cases.last_message_at as lastMessageAt',
    ])
    .where('cases.workspace_id', '=', workspaceId);
}

export type CasePageQuery = ReturnType<typeof casePageFrom>;

interface SlaFilter {
  bounds: ReturnType<typeof slaViewBounds>;
  /** Few live clocks fall in the bounds. */
  sparse: boolean;
}

interface TagFilter {
  tagId: string;
  /** Read the page from the tag's cases (few of them, or a search too costly to test case by case). */
  drives: boolean;
}

export interface FilterPlan {
  search: CaseSearch | null;
  sla: SlaFilter | null;
  tag: TagFilter | null;
}

/**
 * Up to this many clocks due in a view's bounds, its page is read from the clocks (through the live clocks'
 * due-time index, 0021); more (a backlog of breached cases), and walking the queue finds a page at once.
 */
const SPARSE_CLOCKS = 5000;
/**
 * Up to this many tagged cases, the page is read from the tag's cases (a few thousand index entries, then
 * sorted); more, and walking the queue in order meets a page of them within a few thousand cases.
 */
const SPARSE_TAGGED = 2000;

async function planSlaFilter(
  db: DbOrTx,
  workspaceId: string,
  view: 'breaching_soon' | 'breached',
  now: number,
): Promise<SlaFilter> {
  const bounds = slaViewBounds(view, now);
  // Counted from the live clocks' due-time index alone (it holds the case, not the clock's id).
  let clocks = db
    .selectFrom('sla_clocks')
    .select('sla_clocks.case_id')
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
 * Counts the tag's cases, no further than the cap, from the (tag, case) index alone. A search tested case by
 * case does not change the choice: it tests a bounded window of the cases the tag keeps (cases.scan.ts).
 */
async function planTagFilter(db: DbOrTx, tagId: string): Promise<TagFilter> {
  const cap = SPARSE_TAGGED;
  const tagged = db.selectFrom('case_tags').select('case_tags.case_id').where('case_tags.tag_id', '=', tagId);
  const row = await db
    .selectFrom(tagged.limit(cap + 1).as('tagged'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { tagId, drives: Number(row?.n ?? 0) <= cap };
}

/** Each way of reading the page that depends on the data, decided with a few capped index counts. */
export async function planCaseFilters(db: DbOrTx, workspaceId: string, options: CaseListOptions): Promise<FilterPlan> {
  const words = options.q?.trim();
  const search = words ? await planCaseSearch(db, options.dialect ?? 'sqlite', words) : null;
  const sla =
    options.view === 'breaching_soon' || options.view === 'breached'
      ? await planSlaFilter(db, workspaceId, options.view, options.now ?? Date.now())
      : null;
  const tag = options.tagId ? await planTagFilter(db, options.tagId) : null;
  return { search, sla, tag };
}

function applySlaFilter(
  query: CasePageQuery,
  workspaceId: string,
  sla: SlaFilter,
  dialect: SearchDialect,
): CasePageQuery {
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
  return sparse
    ? query.where((eb) => caseIdAmong(dialect, live(eb).where('sla_clocks.workspace_id', '=', workspaceId)))
    : query.where((eb) => hasRow(live(eb).whereRef('sla_clocks.case_id', '=', 'cases.id')));
}

function applyTagFilter(query: CasePageQuery, { tagId, drives }: TagFilter, dialect: SearchDialect): CasePageQuery {
  // `in (…)` lets the database start from the tag's index; the per-case test (a primary-key probe) keeps
  // the queue's order, so a common tag's page is read from the first few thousand cases.
  if (!drives) {
    return query.where((eb) =>
      hasRow(
        eb
          .selectFrom('case_tags')
          .select('case_tags.case_id')
          .where('case_tags.tag_id', '=', tagId)
          .whereRef('case_tags.case_id', '=', 'cases.id'),
      ),
    );
  }
  // SQLite's page already starts from the tag's cases (casePageQuery).
  if (dialect === 'sqlite') return query;
  return query.where(caseIdAmong(dialect, taggedCases(tagId)));
}

/**
 * Every filter is a condition on `cases` (joined tables only inside `in (…)` / `exists`), so the database
 * can either walk the queue's index in order or start from a selective filter's index, whichever is cheaper.
 * The search comes last: it is the costliest test, made only of cases every other filter kept.
 */
export function applyFilters(
  q: CasePageQuery,
  workspaceId: string,
  options: Omit<CaseListOptions, 'limit' | 'cursor' | 'sort'>,
  plan: FilterPlan,
): CasePageQuery {
  let query = q;
  if (options.view === 'mine') query = query.where('cases.assignee_agent_id', '=', options.agentId ?? '');
  if (options.view === 'unassigned') query = query.where('cases.assignee_agent_id', 'is', null);
  if (options.view === 'complaints') query = query.where('cases.type', '=', 'complaint');
  // A range of the queue's latest-activity index (newest sort) or a test on each case walked (priority).
  const from = options.from ? Date.parse(options.from) : NaN;
  const to = options.to ? Date.parse(options.to) : NaN;
  if (Number.isFinite(from)) query = query.where('cases.last_message_at', '>=', from);
  if (Number.isFinite(to)) query = query.where('cases.last_message_at', '<', to);
  const dialect = options.dialect ?? 'sqlite';
  if (plan.sla) query = applySlaFilter(query, workspaceId, plan.sla, dialect);
  if (options.status) query = query.where('cases.status', '=', options.status);
  else if (options.view) query = query.where('cases.status', 'in', viewStatuses[options.view]);
  if (options.assigneeId) query = query.where('cases.assignee_agent_id', '=', options.assigneeId);
  if (options.channelId) query = query.where('cases.channel_id', '=', options.channelId);
  if (options.teamId) query = query.where('cases.team_id', '=', options.teamId);
  const types = splitListParam(options.type) as NonNullable<Row<'cases'>['type']>[];
  if (types.length > 0) query = query.where('cases.type', 'in', types);
  // Written as the queue index's own expression, so a priority filter reads that index in order (SQLite
  // merges the values' ranges in order). PostgreSQL sorts every match of `in (…)` instead: a range of the
  // index, read in order, serves it there.
  const priorities = splitListParam(options.priority).map(Number);
  if (priorities.length > 0) query = query.where(priorityRank, 'in', priorities);
  if (priorities.length > 1 && options.dialect === 'postgres') {
    query = query.where(priorityRank, '>=', Math.min(...priorities)).where(priorityRank, '<=', Math.max(...priorities));
  }
  const languages = splitListParam(options.language);
  if (languages.length > 0) query = query.where('cases.lang', 'in', languages);
  if (plan.tag) query = applyTagFilter(query, plan.tag, dialect);
  const search = plan.search;
  if (search) query = query.where((eb) => caseSearchCondition(eb, search));
  return query;
}
