import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './errors.ts';
import { ensureWritableDirectory, PRIVATE_FILE_MODE, restrictFile } from './files.ts';

/** GCM's full tag: a shorter one would let a forger try far fewer guesses per accepted forgery. */
const TAG_BYTES = 16;
const IV_BYTES = 12;

/**
 * Encrypts secrets at rest (channel credentials, the OAuth flow cookie) with AES-256-GCM; the key never
 * enters the database.
 *
 * Format `v2.<iv>.<tag>.<body>` (base64): every value is sealed for one use, named by `context` (e.g.
 * `channel:<id>:credentials`) and bound to it as GCM associated data, so a sealed value copied into another
 * row or cookie does not open there. `v1` values (no associated data) from earlier versions still open, with
 * any context, and are sealed as v2 the next time they are written.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = createHash('sha256').update(keyMaterial).digest();
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v2', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    const [version, iv, tag, body] = parts;
    if (parts.length !== 4 || (version !== 'v1' && version !== 'v2') || !iv || !tag || body === undefined) {
      throw new Error('Unrecognised sealed secret');
    }
    const ivBytes = Buffer.from(iv, 'base64');
    const tagBytes = Buffer.from(tag, 'base64');
    // Node accepts shorter tags unless told otherwise; the length is checked here too, before decrypting.
    if (tagBytes.length !== TAG_BYTES || ivBytes.length !== IV_BYTES) throw new Error('Damaged sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes, { authTagLength: TAG_BYTES });
    if (version === 'v2') decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  /** True for a value sealed in the current format; older ones are re-sealed when next written. */
  static isCurrent(sealed: string): boolean {
    return sealed.startsWith('v2.');
  }
}

/**
 * The key comes from GUICHET_SECRET_KEY; on a single machine without it, one is generated once into the
 * data folder (mode 0600) so a fresh install needs no set-up. Several machines must share the variable.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret.key');
  try {
    const key = fs.readFileSync(file, 'utf8').trim();
    // A key file written by an earlier version (or copied in by hand) may be readable by others.
    restrictFile(file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StartupError(`Cannot read the secret key file ${file}: ${(error as Error).message}.`);
    }
  }
  const key = randomBytes(32).toString('base64url');
  ensureWritableDirectory(dataDir, 'data folder');
  try {
    fs.writeFileSync(file, key + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw new StartupError(
      `Cannot write the secret key file ${file} (${(error as NodeJS.ErrnoException).code}). Make GUICHET_DATA_DIR writable or set GUICHET_SECRET_KEY.`,
    );
  }
  return key;
}
