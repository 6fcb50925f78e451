import { describe, expect, it } from 'vitest';
import { formatDuration, splitTarget, targetMinutes } from './slaTime.ts';

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

describe('SLA targets in minutes, hours or days', () => {
  it('shows a target in the largest unit it fills exactly', () => {
    expect(splitTarget(10_080)).toEqual({ amount: 7, unit: 'd' });
    expect(splitTarget(120)).toEqual({ amount: 2, unit: 'h' });
    expect(splitTarget(90)).toEqual({ amount: 90, unit: 'min' });
    expect(splitTarget(1_500)).toEqual({ amount: 25, unit: 'h' });
  });
  it('stores whole minutes', () => {
    expect(targetMinutes(7, 'd')).toBe(10_080);
    expect(targetMinutes(1.5, 'h')).toBe(90);
    expect(targetMinutes(15, 'min')).toBe(15);
  });
});
