import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '@guichet/contracts';
import {
  addBusinessTime,
  businessTimeBetween,
  isOpenAt,
  localToInstant,
  toCalendar,
} from '../src/modules/business-hours/business-time.ts';

const HOUR = 3_600_000;
const day = [{ start: '09:00', end: '18:00' }];
const paris: BusinessHours = {
  timeZone: 'Europe/Paris',
  week: [day, day, day, day, day, [], []],
  holidays: [{ date: '2026-04-06', name: 'Lundi de Pâques' }],
};
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** Business-time arithmetic, without a database: weekends, holidays and both daylight-saving changes. */
describe('business time', () => {
  const calendar = toCalendar(paris);

  it('carries an hour over a weekend that changes to summer time', () => {
    // Friday 27 March 2026, 17:30 in Paris (CET, UTC+1): half an hour left that day.
    const due = addBusinessTime(calendar, at('2026-03-27T16:30:00Z'), HOUR);
    // Monday 30 March, 09:30 in Paris — now CEST, UTC+2.
    expect(iso(due)).toBe('2026-03-30T07:30:00.000Z');
    expect(businessTimeBetween(calendar, at('2026-03-27T16:30:00Z'), due)).toBe(HOUR);
  });

  it('skips a holiday', () => {
    // Friday 3 April, 17:30; Monday 6 April is Easter Monday: due Tuesday 09:30.
    expect(iso(addBusinessTime(calendar, at('2026-04-03T15:30:00Z'), HOUR))).toBe('2026-04-07T07:30:00.000Z');
    expect(isOpenAt(calendar, at('2026-04-06T10:00:00Z'))).toBe(false);
    expect(isOpenAt(calendar, at('2026-04-07T10:00:00Z'))).toBe(true);
  });

  it('carries over the return to winter time', () => {
    // Friday 23 October 2026, 17:00 CEST (UTC+2); Monday 26 October opens at 09:00 CET (UTC+1).
    expect(iso(addBusinessTime(calendar, at('2026-10-23T15:00:00Z'), 2 * HOUR))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts a week of work as 45 hours, whichever week, and none on a weekend', () => {
    expect(businessTimeBetween(calendar, at('2026-03-23T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(45 * HOUR);
    expect(businessTimeBetween(calendar, at('2026-03-28T00:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(0);
    // Easter week: 4 days.
    expect(businessTimeBetween(calendar, at('2026-04-06T00:00:00Z'), at('2026-04-13T00:00:00Z'))).toBe(36 * HOUR);
  });

  it('counts real hours around the clock: the spring-forward Sunday has 23', () => {
    const always = toCalendar({ ...paris, week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]) });
    expect(businessTimeBetween(always, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * HOUR);
    expect(addBusinessTime(always, at('2026-03-28T12:00:00Z'), 48 * HOUR)).toBe(at('2026-03-30T12:00:00Z'));
  });

  it('maps local times in a DST gap forward and in a repeated hour to its first occurrence', () => {
    expect(iso(localToInstant('Europe/Paris', at('2026-03-29T02:30:00Z')))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(localToInstant('Europe/Paris', at('2026-10-25T02:30:00Z')))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localToInstant('America/New_York', at('2026-03-08T09:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
  });

  it('without a calendar, counts plain clock time', () => {
    expect(addBusinessTime(null, 1000, HOUR)).toBe(1000 + HOUR);
    expect(businessTimeBetween(null, 0, HOUR)).toBe(HOUR);
  });
});
