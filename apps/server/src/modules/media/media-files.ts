import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE, restrictDirectory } from '../../platform/files.ts';

/**
 * Media files in the data folder: agents' pictures waiting to go out (`outgoing-media/`) and DM media read
 * with the account's credentials (`media-cache/`). Same rules as the rest of the data folder: folders 0700,
 * files 0600, written whole or not at all (a crash mid-write leaves no half file under the final name).
 */

export type MediaFolder = 'outgoing-media' | 'media-cache';

export function mediaFolder(dataDir: string, folder: MediaFolder): string {
  const dir = path.join(dataDir, folder);
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  restrictDirectory(dir);
  return dir;
}

/** Writes to a temporary name, flushes, then renames: readers see the whole file or none. */
export function writePrivateFile(file: string, data: Buffer): void {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temporary, 'wx', PRIVATE_FILE_MODE);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** The file, or undefined when it is not there. */
export function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export type SniffedType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'video/mp4';

/**
 * What the bytes are, from their first ones: a label from a browser or a network is only a claim. MP4 is an
 * ISO media file (`ftyp` box first).
 */
export function sniffMediaType(data: Buffer): SniffedType | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (/^GIF8[79]a/.test(data.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
  return undefined;
}

/** A media type header without its parameters, lower case (`image/PNG; q=1` → `image/png`). */
export function bareType(header: string): string {
  return header.split(';')[0]!.trim().toLowerCase();
}
