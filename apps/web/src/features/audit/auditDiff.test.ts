import { describe, expect, it } from 'vitest';
import { auditDiff } from './auditDiff.ts';

describe('audit diff', () => {
  it('lists only what changed, with nested settings as dotted paths', () => {
    expect(
      auditDiff(
        { timeZone: 'Europe/Paris', helpCenterUrl: null, week: [[{ start: '09:00', end: '18:00' }], []] },
        {
          timeZone: 'Europe/Paris',
          helpCenterUrl: 'https://aide.acme.fr',
          week: [[{ start: '08:00', end: '18:00' }], []],
        },
      ),
    ).toEqual([
      { path: 'helpCenterUrl', before: null, after: 'https://aide.acme.fr', kind: 'added' },
      { path: 'week.0.0.start', before: '09:00', after: '08:00', kind: 'changed' },
    ]);
  });

  it('shows lists of words whole, creations as added and deletions as removed', () => {
    expect(auditDiff({ events: ['case.created'] }, { events: ['case.created', 'sla.breached'] })).toEqual([
      { path: 'events', before: 'case.created', after: 'case.created, sla.breached', kind: 'changed' },
    ]);
    expect(auditDiff(null, { name: 'Retard', enabled: true })).toEqual([
      { path: 'name', before: null, after: 'Retard', kind: 'added' },
      { path: 'enabled', before: null, after: 'true', kind: 'added' },
    ]);
    expect(auditDiff({ body: 'Bonjour' }, null)).toEqual([
      { path: 'body', before: 'Bonjour', after: null, kind: 'removed' },
    ]);
    expect(auditDiff({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
