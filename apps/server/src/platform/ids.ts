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

/**
 * UUIDv7: time-ordered, so primary keys index well and sort by creation, yet unguessable enough for URLs.
 */
export function newId(now: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  randomTail(bytes);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
