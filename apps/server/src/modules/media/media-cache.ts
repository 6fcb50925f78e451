import fs from 'node:fs';
import path from 'node:path';

/** What the DM media cache may hold unless `GUICHET_MEDIA_CACHE_MB` says otherwise. */
export const DEFAULT_MEDIA_CACHE_BYTES = 2048 * 1024 * 1024;

/**
 * After a trim the cache holds at most this share of its cap: trimming to just under the cap would make the
 * next few writes each list the folder and delete one file.
 */
const TRIM_TO_SHARE = 0.8;

/** Marks a cached file as just used, so that the least recently *used* files go first, not the oldest. */
export function markUsed(file: string, now: Date): void {
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // Removed by a trim in between: the caller already holds its bytes.
  }
}

/**
 * Keeps the DM media cache (a copy of what X serves; any file can be read again) under `capBytes`: when it is
 * over, the least recently used files are removed until it holds at most 80% of the cap. `keep` (the file
 * just written) is never removed; files still being written (`.tmp`) are neither counted nor removed.
 */
export function trimMediaCache(folder: string, capBytes: number, keep: string): { removed: number; bytes: number } {
  const files = fs
    .readdirSync(folder)
    .filter((name) => !name.endsWith('.tmp'))
    .flatMap((name) => {
      const file = path.join(folder, name);
      try {
        const stat = fs.statSync(file);
        return stat.isFile() ? [{ file, size: stat.size, usedAt: stat.mtimeMs }] : [];
      } catch {
        return [];
      }
    });
  let total = files.reduce((sum, entry) => sum + entry.size, 0);
  if (total <= capBytes) return { removed: 0, bytes: total };
  const target = capBytes * TRIM_TO_SHARE;
  let removed = 0;
  for (const entry of files.sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= target) break;
    if (entry.file === keep) continue;
    fs.rmSync(entry.file, { force: true });
    total -= entry.size;
    removed += 1;
  }
  return { removed, bytes: total };
}
