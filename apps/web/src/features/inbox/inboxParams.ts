import {
  caseStatusSchema,
  caseViewSchema,
  messageTypeSchema,
  type CaseStatus,
  type CaseView,
} from '@guichet/contracts';
import type { CaseListParams } from '../../api/guichetApi.ts';

/** The languages offered by the language filter, named in the agent's own language. */
export const filterLanguages = ['fr', 'en', 'es', 'de', 'it', 'pt', 'nl', 'ar'] as const;

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` day, or null for anything else (a hand-edited address). */
function localMidnight(day: string | null | undefined, addDays = 0): Date | null {
  const match = day ? dayPattern.exec(day) : null;
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The agent's days, both included, as the server's instants: from the first day's local midnight to the
 * midnight after the last day. A range given backwards is read the right way round.
 */
export function dayRange(
  fromDay: string | null | undefined,
  toDay: string | null | undefined,
): { from?: string; to?: string } {
  let first = localMidnight(fromDay);
  let last = localMidnight(toDay);
  if (first && last && first > last) [first, last] = [last, first];
  const end = last ? new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1) : null;
  return { ...(first ? { from: first.toISOString() } : {}), ...(end ? { to: end.toISOString() } : {}) };
}

export interface InboxFilterState {
  view: CaseView;
  status: CaseStatus | undefined;
  assigneeId: string | undefined;
  tagId: string | undefined;
  channelId: string | undefined;
  teamId: string | undefined;
  type: CaseListParams['type'];
  priorities: string[];
  language: string | undefined;
  fromDay: string | undefined;
  toDay: string | undefined;
}

/** What the address says about the queue; unknown values are ignored, never sent. */
export function readInboxFilters(searchParams: URLSearchParams): InboxFilterState {
  const view = caseViewSchema.safeParse(searchParams.get('view'));
  const status = caseStatusSchema.safeParse(searchParams.get('status'));
  const type = messageTypeSchema.safeParse(searchParams.get('type'));
  const day = (key: string) => {
    const value = searchParams.get(key);
    return value && dayPattern.test(value) ? value : undefined;
  };
  return {
    view: view.success ? view.data : 'all',
    status: status.success ? status.data : undefined,
    assigneeId: searchParams.get('assignee') ?? undefined,
    tagId: searchParams.get('tag') ?? undefined,
    channelId: searchParams.get('channel') ?? undefined,
    teamId: searchParams.get('team') ?? undefined,
    type: type.success ? type.data : undefined,
    priorities: (searchParams.get('priority') ?? '').split(',').filter((value) => /^[1-4]$/.test(value)),
    language: filterLanguages.find((code) => code === searchParams.get('language')),
    fromDay: day('from'),
    toDay: day('to'),
  };
}

/** The list request for these filters and search words. */
export function caseListParams(filters: InboxFilterState, q: string): CaseListParams {
  return {
    view: filters.view,
    status: filters.status,
    assigneeId: filters.assigneeId,
    tagId: filters.tagId,
    channelId: filters.channelId,
    teamId: filters.teamId,
    type: filters.type,
    priority: filters.priorities.length > 0 ? filters.priorities.join(',') : undefined,
    language: filters.language,
    q: q || undefined,
    ...dayRange(filters.fromDay, filters.toDay),
    // The work queue: the most urgent, then the longest waiting; finished work: the latest first.
    sort: filters.view === 'resolved' ? 'newest' : 'priority',
  };
}

/** Whether anything narrows the view (the empty state then says "nothing matches", not "no cases yet"). */
export function isFiltered(filters: InboxFilterState, q: string): boolean {
  return (
    filters.status !== undefined ||
    !!filters.assigneeId ||
    !!filters.tagId ||
    !!filters.channelId ||
    !!filters.teamId ||
    !!filters.type ||
    filters.priorities.length > 0 ||
    !!filters.language ||
    !!filters.fromDay ||
    !!filters.toDay ||
    !!q
  );
}
