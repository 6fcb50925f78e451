import { describe, expect, it } from 'vitest';
import { caseListParams, dayRange, isFiltered, readInboxFilters } from './inboxParams.ts';

describe('dayRange', () => {
  it('covers both days from local midnight to the midnight after the last', () => {
    const range = dayRange('2026-03-02', '2026-03-04');
    expect(range.from).toBe(new Date(2026, 2, 2).toISOString());
    expect(range.to).toBe(new Date(2026, 2, 5).toISOString());
  });
  it('reads a backwards range the right way round and accepts either end alone', () => {
    expect(dayRange('2026-03-04', '2026-03-02')).toEqual(dayRange('2026-03-02', '2026-03-04'));
    expect(dayRange('2026-12-31', undefined)).toEqual({ from: new Date(2026, 11, 31).toISOString() });
    expect(dayRange(undefined, '2026-12-31')).toEqual({ to: new Date(2027, 0, 1).toISOString() });
    expect(dayRange('yesterday', '')).toEqual({});
  });
});

describe('readInboxFilters', () => {
  it('reads the address, ignoring unknown values', () => {
    const filters = readInboxFilters(
      new URLSearchParams('view=complaints&status=pending&priority=1,9,2&from=2026-03-02&to=nope&language=xx'),
    );
    expect(filters).toMatchObject({
      view: 'complaints',
      status: 'pending',
      priorities: ['1', '2'],
      fromDay: '2026-03-02',
      toDay: undefined,
      language: undefined,
    });
    const params = caseListParams(filters, 'colis');
    expect(params).toMatchObject({
      view: 'complaints',
      status: 'pending',
      priority: '1,2',
      q: 'colis',
      sort: 'priority',
    });
    expect(params.from).toBe(new Date(2026, 2, 2).toISOString());
    expect(params.to).toBeUndefined();
    expect(isFiltered(filters, '')).toBe(true);
  });
  it('defaults to All, sorted by priority; Resolved sorts newest first', () => {
    const filters = readInboxFilters(new URLSearchParams(''));
    expect(filters.view).toBe('all');
    expect(isFiltered(filters, '')).toBe(false);
    expect(caseListParams({ ...filters, view: 'resolved' }, '').sort).toBe('newest');
  });
});
