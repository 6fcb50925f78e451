/** X's Snowflake epoch (2010-11-04T01:42:54.657Z); twitter-api-v2 uses the same constant to turn dates into ids. */
export const SNOWFLAKE_EPOCH_MS = 1288834974657n;

export const ID_PATTERN = /^[0-9]{1,19}$/;

export function snowflakeFloor(ms: number): bigint {
  const delta = BigInt(Math.floor(ms)) - SNOWFLAKE_EPOCH_MS;
  return delta > 0n ? delta << 22n : 0n;
}

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS);
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Mints ids from the clock so that id order is time order; when the clock stands still (fake clocks in
 * tests) or goes back, the low 22 bits act as a sequence and ids stay strictly increasing.
 */
export class SnowflakeMinter {
  constructor(private last: bigint = 0n) {}

  mint(now: Date): string {
    const candidate = snowflakeFloor(now.getTime());
    this.last = candidate > this.last ? candidate : this.last + 1n;
    return this.last.toString();
  }

  get lastId(): string {
    return this.last.toString();
  }
}

const TOKEN_PREFIX = '7140';

/** Opaque pagination tokens in the style X uses for timelines ("7140…"); they encode the last id served. */
export function encodePageToken(lastServedId: string): string {
  return TOKEN_PREFIX + BigInt(lastServedId).toString(36);
}

export function decodePageToken(token: string): string | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const digits = token.slice(TOKEN_PREFIX.length);
  if (!/^[0-9a-z]{1,13}$/.test(digits)) return null;
  let value = 0n;
  for (const ch of digits) value = value * 36n + BigInt(parseInt(ch, 36));
  return value < 1n << 63n ? value.toString() : null;
}

const B32 = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/**
 * Base32 cursor tokens in the style X uses for DMs, followers and rules ("18LAA581J5II7LA00C00ZZZZ"): a
 * leading 1, the last served id in base32 (0-9A-V), padded with Z to at least 16 characters.
 */
export function encodeCursorToken(lastServedId: string): string {
  let n = BigInt(lastServedId);
  let digits = '';
  do {
    digits = B32[Number(n % 32n)] + digits;
    n /= 32n;
  } while (n > 0n);
  return `1${digits}ZZ`.padEnd(16, 'Z');
}

export function decodeCursorToken(token: string): string | null {
  const m = /^1([0-9A-V]{1,13})Z+$/.exec(token);
  if (!m || token.length < 16) return null;
  let value = 0n;
  for (const ch of m[1]!) value = value * 32n + BigInt(B32.indexOf(ch));
  return value < 1n << 63n ? value.toString() : null;
}
