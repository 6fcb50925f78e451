const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/**
 * The object itself, or a shallow copy whose string properties have each NUL character replaced by U+FFFD.
 * PostgreSQL cannot store a NUL in text ("invalid byte sequence", "unsupported Unicode escape sequence"), so
 * one customer string carrying it would fail the whole write it is in; both databases get the same text.
 */
export function withoutNul<T extends object>(value: T): T {
  let copy: Record<string, unknown> | null = null;
  // `for … in` allocates nothing on the common path (no NUL); the objects given are plain ones.
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field !== 'string' || !field.includes(NUL)) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = field.replaceAll(NUL, REPLACEMENT);
  }
  return (copy ?? value) as T;
}
