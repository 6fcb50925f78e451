const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/**
 * The object itself, or a shallow copy in which each NUL character of the named string properties is
 * replaced by U+FFFD. PostgreSQL cannot store a NUL in text ("invalid byte sequence", "unsupported Unicode
 * escape sequence"), so one customer string carrying it would fail the whole write it is in; both databases
 * get the same text. The properties are named (not enumerated) to keep the common path, no NUL, to a few
 * `includes` per object: ingestion runs it on every post and author.
 */
export function withoutNul<T extends object>(value: T, keys: readonly (keyof T & string)[]): T {
  let copy: Record<string, unknown> | null = null;
  for (const key of keys) {
    const field = value[key];
    if (typeof field !== 'string' || !field.includes(NUL)) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = field.replaceAll(NUL, REPLACEMENT);
  }
  return (copy ?? value) as T;
}
