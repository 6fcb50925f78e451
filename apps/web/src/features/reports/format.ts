/** Durations the way a lead reads them: minutes under 1 h, hours under 2 days, then days. */
export function formatDuration(ms: number | null, locale: string): string {
  if (ms === null) return '–';
  const minutes = ms / 60_000;
  const number = (value: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  if (minutes < 60) return `${number(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${number(hours)} h`;
  return `${number(hours / 24)} ${locale.startsWith('fr') ? 'j' : 'd'}`;
}

export function formatShare(share: number | null, locale: string): string {
  if (share === null) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    share,
  );
}

export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** Minutes with one decimal, for CSV files (machine-readable, no unit). */
export function minutesOrEmpty(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 6_000) / 10;
}

export type Preset = 'week' | 'month' | 'quarter' | 'custom';

/** [from, to) for a preset ending at the start of tomorrow (local time), so today counts. */
export function presetRange(preset: Exclude<Preset, 'custom'>, now: Date): { from: Date; to: Date } {
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const days = preset === 'week' ? 7 : preset === 'month' ? 30 : 90;
  return { from: new Date(to.getFullYear(), to.getMonth(), to.getDate() - days), to };
}

/** `YYYY-MM-DD` (a date input's value) in local time. */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function parseDateInput(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A report day (`YYYY-MM-DD`, already in the report's zone) as the agent reads dates: "2 mars", "Mar 2". */
export function formatDay(day: string, locale: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}
