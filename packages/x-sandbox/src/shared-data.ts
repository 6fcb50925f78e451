import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the team's shared reference material lives (../shared beside the repository: the X API contract,
 * public datasets). A clone elsewhere points GUICHET_SHARED_DIR at it. Tests and benchmarks only: nothing
 * from there ships.
 */
export function sharedDir(): string {
  const candidates = [
    process.env.GUICHET_SHARED_DIR,
    path.resolve(import.meta.dirname, '../../../../shared'),
    '/work/shared',
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'contracts')));
  if (!found) {
    throw new Error(
      `The shared reference folder (contracts, datasets) was not found in ${candidates.join(', ')}; set GUICHET_SHARED_DIR.`,
    );
  }
  return found;
}

export const sharedPath = (...parts: string[]) => path.join(sharedDir(), ...parts);
