import type { RealtimeEvent } from '@guichet/contracts';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';
import { absenceQueryKeys } from '../features/absence/absenceApi.ts';
import { slaQueryKeys } from '../features/sla/slaApi.ts';
import { incidentKeys } from '../features/incidents/incidentsApi.ts';
import { scheduledPostKeys } from '../features/scheduled-posts/scheduledPostsApi.ts';

/** The queries that show what an event says changed. Any change to a case can reorder the inbox. */
export function queryKeysForEvent(event: RealtimeEvent): QueryKey[] {
  switch (event.type) {
    case 'message.changed':
      return [queryKeys.caseLists, queryKeys.caseDetail(event.caseId)];
    case 'case.changed':
      // Status and assignee move counts between views; the contact panel lists the contact's cases.
      return [queryKeys.caseLists, queryKeys.caseDetail(event.caseId), queryKeys.overview, queryKeys.contacts];
    case 'presence':
      // Presence is kept in memory by the presence store, not fetched.
      return [];
    case 'scheduled_post.changed':
      // The calendar, and an incident whose status post it may be.
      return [scheduledPostKeys.all, incidentKeys.all];
    case 'incident.changed':
      return [incidentKeys.all];
    case 'absence.changed':
      // The banner on every screen and the away periods screen.
      return [absenceQueryKeys.overview];
    case 'sla.breached':
      // The case moves to "Breached"; the assignee and the leads have a new alert.
      return [queryKeys.caseLists, queryKeys.caseDetail(event.caseId), queryKeys.overview, slaQueryKeys.alerts];
  }
}

/**
 * What a socket that reconnects refetches: the events sent while it was down are gone, so every query an
 * event can concern is refreshed. `cases` covers the lists, each case, the overview, contacts and approvals.
 */
export const QUERY_KEYS_AFTER_RECONNECT: readonly QueryKey[] = [
  queryKeys.cases,
  slaQueryKeys.alerts,
  scheduledPostKeys.all,
  incidentKeys.all,
  absenceQueryKeys.overview,
];

export function refetchAfterReconnect(queryClient: QueryClient): void {
  for (const queryKey of QUERY_KEYS_AFTER_RECONNECT) void queryClient.invalidateQueries({ queryKey });
}

/**
 * Collects invalidations for a short window, so a burst of events (a new case arrives with its
 * message) costs one refetch per query rather than one per event.
 */
export function createInvalidationBatcher(queryClient: QueryClient, windowMs = 150) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const keys = [...pending.entries()];
    pending.clear();
    for (const [id, queryKey] of keys) {
      // A refetch cancels a fetch in flight: the next page an agent asked for ("load more", "keep
      // searching") would be dropped on a busy desk, where events come every second. Such a query is
      // invalidated once its fetch is done, in a later window.
      if (queryClient.isFetching({ queryKey }) > 0) pending.set(id, queryKey);
      else void queryClient.invalidateQueries({ queryKey });
    }
    if (pending.size > 0) timer = setTimeout(flush, windowMs);
  };

  return {
    add(keys: readonly QueryKey[]): void {
      for (const key of keys) pending.set(JSON.stringify(key), key);
      timer ??= setTimeout(flush, windowMs);
    },
    dispose(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
