import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './errors.ts';

/** Files holding the desk's data or keys: readable and writable by the desk's own user only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Folders the desk creates: only its own user may list or enter them. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Creates a folder and its missing parents one level at a time, each private to this user. Node's
 * `mkdirSync(…, { recursive: true })` spins forever under some pseudo-filesystems (e.g. a path below /proc),
 * which would hang the start instead of reporting a bad GUICHET_DATA_DIR.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) fs.mkdirSync(folder, { mode: PRIVATE_DIRECTORY_MODE });
}

/** Makes sure a folder exists and this process may write in it; one clear sentence otherwise. */
export function ensureWritableDirectory(dir: string, purpose: string): void {
  try {
    makeDirectories(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new StartupError(
      `The ${purpose} ${path.resolve(dir)} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? 'error'}). Set GUICHET_DATA_DIR to a writable folder.`,
      { cause: error },
    );
  }
}

/**
 * The data folder holds the database, the secret key, the sandbox's tokens and trained models: an existing
 * one is narrowed to mode 0700 (new folders are made so), so other users of the machine cannot read into it.
 */
export function restrictDirectory(dir: string): void {
  restrictMode(dir, PRIVATE_DIRECTORY_MODE);
}

/** Narrows an existing file to mode 0600; a missing file is fine (SQLite's -wal and -shm come and go). */
export function restrictFile(file: string): void {
  restrictMode(file, PRIVATE_FILE_MODE);
}

function restrictMode(target: string, mode: number): void {
  try {
    if ((fs.statSync(target).mode & 0o777) !== mode) fs.chmodSync(target, mode);
  } catch (error) {
    // Missing: nothing to protect. Owned by another user or on a read-only mount: the operator chose it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM' && code !== 'EROFS') throw error;
  }
}
