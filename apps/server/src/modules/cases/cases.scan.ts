import type { DbOrTx } from '../../platform/db/database.ts';
import {
  applyFilters,
  casePageFrom,
  casePageQuery,
  type CaseListOptions,
  type CasePageQuery,
  type CaseSource,
  type FilterPlan,
} from './cases.filters.ts';
import { isDenseSearch } from './cases.search.ts';

/**
 * A search whose words are in too many messages to list them (cases.search.ts) is tested case by case, and
 * a page costs one test per case until it holds `limit + 1` matches: every case the other filters keep
 * when few of them match (a tag's 16,666 cases at 1,000,000: 250 ms on SQLite, 400 ms on PostgreSQL, for
 * an empty answer, npm run bench:inbox). So such a page is read from a bounded window: the first
 * SCANNED_CASES cases, in the page's order and after its cursor, that the other filters keep (a tag too
 * common to start from is probed with the search, case by case, as walking the queue would), each one
 * tested. A page found among them is the page an unbounded read returns. Fewer matches: those, and a cursor
 * at the window's last case, which the next request goes on from; the list says the scan stopped there
 * (`partialScan`). Following the cursors returns exactly the cases an unbounded read returns, in the same
 * order (decision 0015). The window counts cases kept, not index entries walked: a filter the walked index
 * does not hold multiplies its cost (the agent's cases, newest first, are one in ten of the queue).
 */
export const SCANNED_CASES = 2000;

/** A row of the page's columns (casePageFrom). */
export type CasePageRow = Awaited<ReturnType<CasePageQuery['execute']>>[number];

export interface BoundedScan {
  /** The matches among the window's cases, in order: `limit + 1` at most. */
  rows: CasePageRow[];
  /** The window's last case when the window was full and held `limit` matches or fewer: go on after it. */
  stoppedAfter: CasePageRow | null;
}

/** The page is read from a bounded window: a search tested case by case. */
export function scansBounded(plan: FilterPlan): boolean {
  return plan.search !== null && isDenseSearch(plan.search);
}

/**
 * The cases after the cursor, in order, that every filter but the search and a tag read case by case keeps,
 * with the columns their tests read, under the name `cases`, so the same tests apply to them.
 */
function windowOfCases(
  db: DbOrTx,
  workspaceId: string,
  options: CaseListOptions,
  plan: FilterPlan,
  inOrder: (query: CasePageQuery) => CasePageQuery,
) {
  const dialect = options.dialect ?? 'sqlite';
  const others: FilterPlan = { ...plan, search: null, tag: plan.tag?.drives ? plan.tag : null };
  return inOrder(applyFilters(casePageQuery(db, workspaceId, others, dialect), workspaceId, options, others)).select([
    'cases.workspace_id as workspace_id',
    'cases.opened_at as opened_at',
    'cases.last_message_at as last_message_at',
    'cases.contact_id as contact_id',
    'cases.channel_id as channel_id',
  ]);
}

/**
 * A page of a search tested case by case, from the first `windowSize` cases the other filters keep: the
 * matches (up to `limit + 1`, the page and one more for its cursor) and, when the window was full and the
 * page was not, the window's last case, where the next page starts. The window is read as the search tests
 * it, in order, and no further than the page needs (a common word's page is among its first few hundred
 * cases). No ORDER BY over it: both databases then tested every case of the window to sort them, and a
 * subquery read as it is produced gives its rows in its own order (plans tested in inbox-plans.test.ts).
 */
export async function scanBounded(
  db: DbOrTx,
  workspaceId: string,
  options: CaseListOptions,
  plan: FilterPlan,
  inOrder: (query: CasePageQuery) => CasePageQuery,
  windowSize = SCANNED_CASES,
): Promise<BoundedScan> {
  const dialect = options.dialect ?? 'sqlite';
  const window = windowOfCases(db, workspaceId, options, plan, inOrder);
  const windowRows = (rows: number, skipped = 0) =>
    casePageFrom(db.selectFrom(window.limit(rows).offset(skipped).as('cases')) as unknown as CaseSource, workspaceId);
  // The search, and a tag too common to start from (a probe per case): the window holds the other filters.
  const tested: FilterPlan = { sla: null, tag: plan.tag?.drives ? null : plan.tag, search: plan.search };
  const rows = await applyFilters(windowRows(windowSize), workspaceId, { dialect }, tested)
    .limit(options.limit + 1)
    .execute();
  if (rows.length > options.limit) return { rows, stoppedAfter: null };
  // The window's last case, read again without the search's test (an index walk of `windowSize` entries).
  const end = await windowRows(1, windowSize - 1).executeTakeFirst();
  return { rows, stoppedAfter: end ?? null };
}
