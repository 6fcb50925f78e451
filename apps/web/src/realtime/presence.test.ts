import { describe, expect, it } from 'vitest';
import { PresenceStore } from './presence.ts';

describe('PresenceStore', () => {
  it('keeps the latest state per agent, hides the viewer themself, and forgets leavers and the silent', () => {
    let now = 0;
    const store = new PresenceStore(() => now);
    const calls: number[] = [];
    store.subscribe(() => calls.push(now));
    store.apply({ caseId: 'c1', agent: { id: 'me', name: 'Me' }, state: 'viewing' });
    store.apply({ caseId: 'c1', agent: { id: 'b', name: 'Bea' }, state: 'viewing' });
    store.apply({ caseId: 'c1', agent: { id: 'a', name: 'Ann' }, state: 'typing' });
    const first = store.others('c1', 'me');
    expect(first.map((e) => [e.name, e.state])).toEqual([
      ['Ann', 'typing'],
      ['Bea', 'viewing'],
    ]);
    expect(store.others('c1', 'me')).toBe(first);

    store.apply({ caseId: 'c1', agent: { id: 'b', name: 'Bea' }, state: 'left' });
    expect(store.others('c1', 'me').map((e) => e.name)).toEqual(['Ann']);
    now = 41_000;
    store.apply({ caseId: 'c1', agent: { id: 'me', name: 'Me' }, state: 'viewing' });
    store.expire();
    expect(store.others('c1', 'me')).toEqual([]);
    expect(store.others('c2', 'me')).toEqual([]);
    expect(calls.length).toBeGreaterThanOrEqual(5);
  });
});
