import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('mints UUIDv7 strings that sort by time and never repeat', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 10)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId(1_700_000_000_001) > newId(1_700_000_000_000)).toBe(true);
  });

  it('counts up within one millisecond, so a page of rows appends to each index', () => {
    const ids = Array.from({ length: 2000 }, () => newId(1_700_000_000_500));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock set back (tests, a corrected host clock) still mints ids of the time it is given.
    expect(newId(1_700_000_000_400) < ids[0]!).toBe(true);
  });
});
