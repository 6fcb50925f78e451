import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markUsed, trimMediaCache } from './media-cache.ts';

describe('the DM media cache stays under its cap', () => {
  let folder: string;
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute));
  /** Five 100-byte files, used at minutes 0 to 4. */
  const fill = () =>
    [0, 1, 2, 3, 4].map((minute) => {
      const file = path.join(folder, `${minute}.jpg`);
      fs.writeFileSync(file, Buffer.alloc(100));
      fs.utimesSync(file, at(minute), at(minute));
      return file;
    });
  const left = () => fs.readdirSync(folder).sort();

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-media-cache-'));
  });
  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('leaves a cache under its cap alone', () => {
    const files = fill();
    expect(trimMediaCache(folder, 500, files[4]!)).toEqual({ removed: 0, bytes: 500 });
    expect(left()).toHaveLength(5);
  });

  it('removes the least recently used files down to 80% of the cap, never the file just written', () => {
    const files = fill();
    // Over a 350-byte cap: trimmed to at most 280 bytes, oldest first.
    expect(trimMediaCache(folder, 350, files[4]!)).toEqual({ removed: 3, bytes: 200 });
    expect(left()).toEqual(['3.jpg', '4.jpg']);
    // The file just written stays even when it is the oldest.
    fs.utimesSync(files[4]!, at(0), at(0));
    expect(trimMediaCache(folder, 150, files[4]!)).toEqual({ removed: 1, bytes: 100 });
    expect(left()).toEqual(['4.jpg']);
  });

  it('keeps a file an agent just looked at, and ignores files still being written', () => {
    const files = fill();
    markUsed(files[0]!, at(10));
    fs.writeFileSync(path.join(folder, '5.jpg.ab12.tmp'), Buffer.alloc(1000));
    expect(trimMediaCache(folder, 350, files[4]!)).toEqual({ removed: 3, bytes: 200 });
    expect(left()).toEqual(['0.jpg', '4.jpg', '5.jpg.ab12.tmp']);
    // A file gone meanwhile is not an error.
    markUsed(path.join(folder, '1.jpg'), at(11));
  });
});
