import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import { createInvalidationBatcher, queryKeysForEvent } from './invalidation.ts';

describe('queryKeysForEvent', () => {
  it('refreshes the inbox lists and the one case concerned', () => {
    const keys = queryKeysForEvent({ type: 'message.changed', caseId: 'c7', messageId: 'm1', updatedAt: 'x' });
    expect(keys).toEqual([queryKeys.caseLists, queryKeys.caseDetail('c7')]);
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
