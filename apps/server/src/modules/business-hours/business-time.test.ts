import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  subtractBusinessTime,
  toCalendar,
  withExclusions,
} from './business-time.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const day = [{ start: '09:00', end: '18:00' }];
const paris = toCalendar({ timeZone: 'Europe/Paris', week: [day, day, day, day, day, [], []], holidays: [] });

/** Away periods removed from the calendar (F20) and counting backwards (a target that shrinks). */
describe('business time with away periods', () => {
  it('does not count an away period, around the clock or in business hours', () => {
    const away: [number, number][] = [[at('2026-01-05T18:00:00Z'), at('2026-01-06T08:00:00Z')]];
    const aroundTheClock = withExclusions(null, away);
    expect(new Date(addBusinessTime(aroundTheClock, at('2026-01-05T17:30:00Z'), HOUR)).toISOString()).toBe(
      '2026-01-06T08:30:00.000Z',
    );
    expect(businessTimeBetween(aroundTheClock, at('2026-01-05T17:00:00Z'), at('2026-01-06T09:00:00Z'))).toBe(2 * HOUR);
    // In Paris business hours: Monday 17:30 local (16:30Z); away from 18:00 local Monday to 11:00 local Tuesday.
    const office = withExclusions(paris, [[at('2026-01-05T17:00:00Z'), at('2026-01-06T10:00:00Z')]]);
    expect(new Date(addBusinessTime(office, at('2026-01-05T16:30:00Z'), HOUR)).toISOString()).toBe(
      '2026-01-06T10:30:00.000Z',
    );
    // No period: the calendar is unchanged.
    expect(withExclusions(null, [])).toBeNull();
    expect(withExclusions(paris, [])).toBe(paris);
  });

  it('counts backwards exactly, across a night and a weekend', () => {
    const friday = at('2026-01-09T16:30:00Z'); // 17:30 in Paris
    const monday = addBusinessTime(paris, friday, HOUR);
    expect(new Date(monday).toISOString()).toBe('2026-01-12T08:30:00.000Z');
    expect(subtractBusinessTime(paris, monday, HOUR)).toBe(friday);
    expect(subtractBusinessTime(null, monday, HOUR)).toBe(monday - HOUR);
    const away = withExclusions(null, [[at('2026-01-05T18:00:00Z'), at('2026-01-06T08:00:00Z')]]);
    expect(new Date(subtractBusinessTime(away, at('2026-01-06T08:30:00Z'), HOUR)).toISOString()).toBe(
      '2026-01-05T17:30:00.000Z',
    );
  });
});
