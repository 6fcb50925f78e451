/** "1 h 05", "12 min", "3 d 4 h": a compact duration for queue rows. */
export function formatDuration(ms: number): { value: number; unit: 'min' | 'h' | 'd'; rest: number } {
  // Rounded up: "1 min" for the last seconds, never "0 min" on a running or missed target.
  const minutes = Math.max(1, Math.ceil(Math.abs(ms) / 60_000));
  if (minutes < 60) return { value: minutes, unit: 'min', rest: 0 };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { value: hours, unit: 'h', rest: minutes % 60 };
  return { value: Math.floor(hours / 24), unit: 'd', rest: hours % 24 };
}
