import { isApiError } from '../../api/errors.ts';
import { errorMessageKey, type ErrorMessageKey } from '../../api/errorMessages.ts';

/** `YYYY-MM-DDTHH:mm` in the browser's zone, what a datetime-local input reads and writes. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value read in the browser's zone; null when incomplete or not a date. */
export function fromLocalInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The next morning at 9, local time: the usual return after an end-of-day absence. */
export function nextMorning(now: Date): Date {
  const date = new Date(now);
  date.setDate(date.getDate() + 1);
  date.setHours(9, 0, 0, 0);
  return date;
}

const byCode = {
  'absence.overlap': 'absence.errors.overlap',
  'absence.ends_before_start': 'absence.errors.endsBeforeStart',
  'absence.too_long': 'absence.errors.tooLong',
  'absence.not_planned': 'absence.errors.notPlanned',
  'absence.already_over': 'absence.errors.alreadyOver',
  'time_settings.post_too_long': 'absence.errors.postTooLong',
  'time_settings.greeting_repeats': 'absence.errors.greetingRepeats',
} as const;

/** The translation key of an error from the absence and greetings screens. */
export function absenceErrorKey(error: unknown): ErrorMessageKey | (typeof byCode)[keyof typeof byCode] {
  if (isApiError(error) && error.code in byCode) return byCode[error.code as keyof typeof byCode];
  return errorMessageKey(error);
}
