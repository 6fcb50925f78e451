/** "1 h 05", "12 min", "3 d 4 h": a compact duration for queue rows. */
export function formatDuration(ms: number): { value: number; unit: 'min' | 'h' | 'd'; rest: number } {
  // Rounded up: "1 min" for the last seconds, never "0 min" on a running or missed target.
  const minutes = Math.max(1, Math.ceil(Math.abs(ms) / 60_000));
  if (minutes < 60) return { value: minutes, unit: 'min', rest: 0 };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { value: hours, unit: 'h', rest: minutes % 60 };
  return { value: Math.floor(hours / 24), unit: 'd', rest: hours % 24 };
}

export type TargetUnit = 'min' | 'h' | 'd';
const unitMinutes: Record<TargetUnit, number> = { min: 1, h: 60, d: 24 * 60 };

/** A target in the largest unit it fills exactly: 10080 → 7 d, 90 → 90 min, 120 → 2 h. */
export function splitTarget(minutes: number): { amount: number; unit: TargetUnit } {
  if (minutes >= unitMinutes.d && minutes % unitMinutes.d === 0) return { amount: minutes / unitMinutes.d, unit: 'd' };
  if (minutes >= unitMinutes.h && minutes % unitMinutes.h === 0) return { amount: minutes / unitMinutes.h, unit: 'h' };
  return { amount: minutes, unit: 'min' };
}

/** Back to the minutes the server stores; fractions ("1.5 h") round to the minute. */
export function targetMinutes(amount: number, unit: TargetUnit): number {
  return Math.round(amount * unitMinutes[unit]);
}
