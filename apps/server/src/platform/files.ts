import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './errors.ts';

/**
 * Creates a folder and its missing parents one level at a time. Node's `mkdirSync(…, { recursive: true })`
 * spins forever under some pseudo-filesystems (e.g. a path below /proc), which would hang the start
 * instead of reporting a bad GUICHET_DATA_DIR.
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
  for (const folder of missing) fs.mkdirSync(folder);
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
