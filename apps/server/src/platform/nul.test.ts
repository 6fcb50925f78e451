import { describe, expect, it } from 'vitest';
import { withoutNul } from './nul.ts';

describe('withoutNul', () => {
  it('returns the object itself when no string holds a NUL', () => {
    const account = { handle: 'ana', name: 'Ana 😡 <b>', followers: 3, verified: true, bio: undefined };
    expect(withoutNul(account)).toBe(account);
  });

  it('replaces every NUL of every string property in a copy, leaving the original and other values as they were', () => {
    const account = { handle: 'a\u0000b\u0000', name: 'Ana', followers: 3, nested: { text: 'x\u0000' } };
    const clean = withoutNul(account);
    expect(clean).toEqual({ handle: 'a\uFFFDb\uFFFD', name: 'Ana', followers: 3, nested: { text: 'x\u0000' } });
    expect(clean.nested).toBe(account.nested); // shallow: callers pass each object they store
    expect(account.handle).toBe('a\u0000b\u0000');
  });
});
