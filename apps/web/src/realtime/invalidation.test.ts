import { QueryClient } from '@tanstack/react-query';
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
});
