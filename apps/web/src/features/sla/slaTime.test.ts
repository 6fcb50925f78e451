import { describe, expect, it } from 'vitest';
import { formatDuration } from './slaTime.ts';

describe('SLA durations on queue rows', () => {
  it('rounds up to whole minutes, never shows zero', () => {
    expect(formatDuration(10_000)).toEqual({ value: 1, unit: 'min', rest: 0 });
    expect(formatDuration(-61_000)).toEqual({ value: 2, unit: 'min', rest: 0 });
  });
  it('switches to hours, then days', () => {
    expect(formatDuration(65 * 60_000)).toEqual({ value: 1, unit: 'h', rest: 5 });
    expect(formatDuration(50 * 3_600_000)).toEqual({ value: 2, unit: 'd', rest: 2 });
  });
});
