import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import type { RealtimeEvent } from '@guichet/contracts';
import {
  createInvalidationBatcher,
  QUERY_KEYS_AFTER_RECONNECT,
  queryKeysForEvent,
  refetchAfterReconnect,
} from './invalidation.ts';

describe('queryKeysForEvent', () => {
  it('refreshes the inbox lists and the one case concerned', () => {
    const keys = queryKeysForEvent({ type: 'message.changed', caseId: 'c7', messageId: 'm1', updatedAt: 'x' });
    expect(keys).toEqual([queryKeys.caseLists, queryKeys.caseDetail('c7')]);
  });
});

/** One event of each kind the server pushes (the type makes a new kind of event a compile error here). */
const ONE_OF_EACH: { [T in RealtimeEvent['type']]: Extract<RealtimeEvent, { type: T }> } = {
  'case.changed': { type: 'case.changed', caseId: 'c1', updatedAt: 'x' },
  'message.changed': { type: 'message.changed', caseId: 'c1', messageId: 'm1', updatedAt: 'x' },
  'sla.breached': { type: 'sla.breached', caseId: 'c1', metric: 'first_response', agentIds: ['a'], at: 'x' },
  presence: { type: 'presence', caseId: 'c1', agent: { id: 'a', name: 'A' }, state: 'viewing', at: 'x' },
  'scheduled_post.changed': { type: 'scheduled_post.changed', postId: 'p1', updatedAt: 'x' },
  'incident.changed': { type: 'incident.changed', incidentId: 'i1', updatedAt: 'x' },
  'absence.changed': { type: 'absence.changed', updatedAt: 'x' },
};

describe('after a reconnect', () => {
  it('refetches every query any missed event could have concerned', () => {
    const covered = (key: readonly unknown[]) =>
      QUERY_KEYS_AFTER_RECONNECT.some((prefix) =>
        prefix.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i])),
      );
    for (const event of Object.values(ONE_OF_EACH)) {
      for (const key of queryKeysForEvent(event))
        expect({ event: event.type, key, covered: covered(key) }).toMatchObject({ covered: true });
    }
  });

  it('invalidates those queries in the query client', () => {
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
    refetchAfterReconnect(queryClient);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([...QUERY_KEYS_AFTER_RECONNECT]);
    expect(QUERY_KEYS_AFTER_RECONNECT).toContainEqual(queryKeys.cases);
  });
});

describe('presence events', () => {
  it('refetch nothing', () => {
    expect(
      queryKeysForEvent({ type: 'presence', caseId: 'c1', agent: { id: 'a', name: 'A' }, state: 'typing', at: 'x' }),
    ).toEqual([]);
  });
});

describe('createInvalidationBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('invalidates each query once for a burst of events', () => {
    vi.useFakeTimers();
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
    const batcher = createInvalidationBatcher(queryClient, 100);

    batcher.add(queryKeysForEvent({ type: 'case.changed', caseId: 'c1', updatedAt: 'x' }));
    batcher.add(queryKeysForEvent({ type: 'message.changed', caseId: 'c1', messageId: 'm1', updatedAt: 'x' }));
    batcher.add(queryKeysForEvent({ type: 'case.changed', caseId: 'c2', updatedAt: 'x' }));
    expect(invalidate).not.toHaveBeenCalled();

    vi.advanceTimersByTime(100);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([
      queryKeys.caseLists,
      queryKeys.caseDetail('c1'),
      queryKeys.overview,
      queryKeys.contacts,
      queryKeys.caseDetail('c2'),
    ]);
  });

  it('lets a next page in flight finish, then refetches the list with it', async () => {
    vi.useFakeTimers();
    const queryClient = new QueryClient();
    const asked: (string | undefined)[] = [];
    const observer = new InfiniteQueryObserver(queryClient, {
      queryKey: queryKeys.caseList({}),
      queryFn: ({ pageParam }: { pageParam: string | undefined }) => {
        asked.push(pageParam);
        return new Promise<{ page: string | undefined }>((resolve) =>
          setTimeout(() => resolve({ page: pageParam }), 50),
        );
      },
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: { page: string | undefined }) => (last.page === undefined ? 'p2' : undefined),
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(50);
    const batcher = createInvalidationBatcher(queryClient, 10);

    const nextPage = observer.fetchNextPage();
    batcher.add(queryKeysForEvent({ type: 'case.changed', caseId: 'c1', updatedAt: 'x' }));
    await vi.advanceTimersByTimeAsync(10);
    expect(asked).toEqual([undefined, 'p2']);
    await vi.advanceTimersByTimeAsync(300);
    await nextPage;

    // The second page arrived, and the list was then refetched with both its pages.
    expect(asked).toEqual([undefined, 'p2', undefined, 'p2']);
    expect(observer.getCurrentResult().data?.pages).toEqual([{ page: undefined }, { page: 'p2' }]);
    unsubscribe();
    batcher.dispose();
  });
});
