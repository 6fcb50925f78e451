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
 * when few of them match (a tag's 16,666 cases at 1,000,000: 62 ms of CPU on SQLite, 400 ms on PostgreSQL,
 * for an empty answer). So such a page is read from a bounded window: the first SCANNED_CASES cases, in the
 * page's order and after its cursor, that every other filter keeps, each one tested. A page found among
 * them is the page an unbounded read returns. Fewer matches: those, and a cursor at the window's last case,
 * which the next request goes on from; the list says the scan stopped there (`partialScan`). Following the
 * cursors returns exactly the cases an unbounded read returns, in the same order (decision 0015).
 * About 3.5 µs a tested case on SQLite at 1,000,000 cases (npm run bench:inbox): 5,000 cases cost 18 ms.
 */
export const SCANNED_CASES = 5000;

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
 * The first `windowSize` cases after the cursor, in order, that every filter but the search keeps, with the
 * columns the search's test reads, under the name `cases`, so the same test applies to them.
 */
function windowOfCases(
  db: DbOrTx,
  workspaceId: string,
  options: CaseListOptions,
  plan: FilterPlan,
  inOrder: (query: CasePageQuery) => CasePageQuery,
) {
  const dialect = options.dialect ?? 'sqlite';
  const others: FilterPlan = { ...plan, search: null };
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
 * page was not, the window's last case, where the next page starts.
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
  const walked = casePageFrom(
    db.selectFrom(window.limit(windowSize).as('cases')) as unknown as CaseSource,
    workspaceId,
  );
  // Only the search: the window already holds every other filter.
  const tested: FilterPlan = { sla: null, tag: null, search: plan.search };
  const rows = await inOrder(applyFilters(walked, workspaceId, { dialect }, tested))
    .limit(options.limit + 1)
    .execute();
  if (rows.length > options.limit) return { rows, stoppedAfter: null };
  // The window's last case, read again without the search's test (an index walk of `windowSize` entries).
  const last = await casePageFrom(
    db.selectFrom(
      window
        .limit(1)
        .offset(windowSize - 1)
        .as('cases'),
    ) as unknown as CaseSource,
    workspaceId,
  ).executeTakeFirst();
  return { rows, stoppedAfter: last ?? null };
}
