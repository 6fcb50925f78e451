import { describe, expect, it } from 'vitest';
import { withoutNul } from './nul.ts';

describe('withoutNul', () => {
  it('returns the object itself when no string holds a NUL', () => {
    const account = { handle: 'ana', name: 'Ana 😡 <b>', followers: 3, verified: true, bio: undefined };
    expect(withoutNul(account, ['handle', 'name', 'bio'])).toBe(account);
  });

  it('replaces every NUL of the named strings in a copy, leaving the original and other values as they were', () => {
    const account = {
      handle: 'a\u0000b\u0000',
      name: 'Ana',
      note: 'n\u0000',
      followers: 3,
      nested: { text: 'x\u0000' },
    };
    const clean = withoutNul(account, ['handle', 'name']);
    expect(clean).toEqual({
      handle: 'a\uFFFDb\uFFFD',
      name: 'Ana',
      note: 'n\u0000',
      followers: 3,
      nested: { text: 'x\u0000' },
    });
    expect(clean.nested).toBe(account.nested); // shallow: callers pass each object they store
    expect(account.handle).toBe('a\u0000b\u0000');
  });
});
