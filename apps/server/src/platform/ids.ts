import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the OS in blocks: one system call per 409 ids instead of one per id, which
// shows up when ingestion mints thousands of ids per second.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomTail(bytes: Buffer): void {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(bytes, 6, offset, offset + 10);
  offset += 10;
}

/** The last id minted and its millisecond: the next ids of that millisecond count up from it. */
const last = Buffer.alloc(16);
let lastMs = -1;

/** Adds one to the 74 bits around the version and variant marks (bytes 6–15), carrying leftwards. */
function increment(bytes: Buffer): boolean {
  for (let i = 15; i >= 6; i -= 1) {
    const mask = i === 6 ? 0x0f : i === 8 ? 0x3f : 0xff;
    const value = (bytes[i]! & mask) + 1;
    if (value <= mask) {
      bytes[i] = (bytes[i]! & ~mask & 0xff) | value;
      return true;
    }
    bytes[i] = bytes[i]! & ~mask & 0xff;
  }
  return false;
}

/**
 * UUIDv7: time-ordered, so primary keys index well and sort by creation, yet unguessable enough for URLs.
 * The ids minted within one millisecond count up from a random start (RFC 9562 §6.2, method 3): a page of
 * messages stored in one millisecond appends to each index instead of scattering over it, which would make
 * every commit rewrite most of the index's pages.
 */
export function newId(now: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  if (now === lastMs) {
    last.copy(bytes);
    // 2^70 ids in one millisecond never happen; a fresh random tail would still keep ids unique.
    if (!increment(bytes)) randomTail(bytes);
  } else {
    bytes.writeUIntBE(now, 0, 6);
    randomTail(bytes);
    // Version 7 with a zero top nibble of the counter, so a millisecond's ids never run out of room.
    bytes[6] = 0x70;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    lastMs = now;
  }
  bytes.copy(last);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
