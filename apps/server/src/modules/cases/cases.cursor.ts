import { splitListParam } from '@guichet/contracts';
import { priorityRank, type CaseListOptions, type CasePageQuery } from './cases.filters.ts';
import type { CasePageRow } from './cases.scan.ts';

/** Keyset cursors of the inbox's pages, and the pages' order from after a cursor's case. */

const iso = (ms: number) => new Date(ms).toISOString();

export interface CaseCursor {
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

export function decodeCaseCursor(cursor: string): CaseCursor | null {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  // Cursors from before priorities were sortable have two parts.
  const [rank, at, id] = parts.length === 2 ? ['9', ...parts] : parts;
  const ms = Number(at);
  const rankNumber = Number(rank);
  return Number.isFinite(ms) && Number.isFinite(rankNumber) && id ? { rank: rankNumber, at: ms, id } : null;
}

/** The cursor of a row of the page's columns (a case the scan stopped after). */
export function cursorAfterRow(row: CasePageRow, sort: 'newest' | 'priority'): string {
  const at = iso(sort === 'priority' ? row.openedAt : row.lastMessageAt);
  return encodeCaseCursor({ id: row.id, priority: row.priority, lastMessageAt: iso(row.lastMessageAt) }, at);
}

/** The page's order, from after the cursor's case. */
export function orderCasePage(query: CasePageQuery, options: CaseListOptions, after: CaseCursor | null): CasePageQuery {
  let q = query;
  if ((options.sort ?? 'newest') === 'newest') {
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
    // Age is how long the case has been open: a chatty customer does not lose their place in line. Filtered
    // on one priority, the rank is the same for every case: SQLite reads the queue index in order only when
    // the constant is left out of the order (with it, it sorted every case of that priority: 30–45 ms).
    if (splitListParam(options.priority).length !== 1) q = q.orderBy(priorityRank);
    q = q.orderBy('cases.opened_at', 'asc').orderBy('cases.id', 'asc');
  }
  return q;
}
