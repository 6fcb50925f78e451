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
 * A tag with a search too common to list its matches: the plan starts from the tag's cases and tests each
 * one's messages, a cost that grows with the tag (16,000 cases at 1,000,000: the whole budget of a page)
 * even when the first cases in the queue's order already fill a page. So a bounded walk comes first: the
 * first WALKED_CASES cases of the queue that every other filter keeps, in the page's order, each tested for
 * the tag and the search; when a page (and one more, for the cursor) is among them, that is the page the
 * plan would return, found in a few ms. Fewer (a rare pair, or none at all): the plan runs, and the walk
 * was wasted. Its cost grows with the window (about 3.5 µs a case on SQLite at 1,000,000 cases, npm run
 * bench:inbox): 2,000 cases find a page of 50 when one case in 40 matches, and waste 7 ms of CPU when none
 * does (5,000: 17 ms).
 */
export const WALKED_CASES = 2000;

export function walksFirst(plan: FilterPlan): boolean {
  return plan.tag !== null && plan.tag.drives && plan.search !== null && isDenseSearch(plan.search);
}

/**
 * The page's first `limit + 1` rows when they are among the first WALKED_CASES cases the other filters
 * keep, in order (after the cursor); null when fewer are. The window keeps the columns the tag and search
 * tests read, under the name `cases`, so the same tests apply to it.
 */
export async function walkQueueFirst(
  db: DbOrTx,
  workspaceId: string,
  options: CaseListOptions,
  plan: FilterPlan,
  inOrder: (query: CasePageQuery) => CasePageQuery,
  windowSize = WALKED_CASES,
) {
  const dialect = options.dialect ?? 'sqlite';
  const others: FilterPlan = { ...plan, tag: null, search: null };
  const window = inOrder(applyFilters(casePageQuery(db, workspaceId, others, dialect), workspaceId, options, others))
    .select([
      'cases.workspace_id as workspace_id',
      'cases.opened_at as opened_at',
      'cases.last_message_at as last_message_at',
      'cases.contact_id as contact_id',
      'cases.channel_id as channel_id',
    ])
    .limit(windowSize);
  const walked = casePageFrom(db.selectFrom(window.as('cases')) as unknown as CaseSource, workspaceId);
  // Only the tag (each case probed) and the search: the window already holds every other filter.
  const tested: FilterPlan = { sla: null, search: plan.search, tag: plan.tag && { ...plan.tag, drives: false } };
  const rows = await inOrder(applyFilters(walked, workspaceId, { dialect }, tested))
    .limit(options.limit + 1)
    .execute();
  return rows.length > options.limit ? rows : null;
}
