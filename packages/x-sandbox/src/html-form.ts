import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SandboxError } from './errors.ts';

/**
 * What the sandbox's two HTML pages (the demo page and the OAuth consent page) share to take a browser form
 * safely: a per-sandbox anti-forgery token, the same-origin check, a size-capped urlencoded body reader.
 */

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** One token per sandbox instance and page, so a form from one page is never accepted by the other. */
export function formTokens(): (sandbox: object) => string {
  const tokens = new WeakMap<object, string>();
  return (sandbox) => {
    let token = tokens.get(sandbox);
    if (!token) {
      token = randomBytes(18).toString('base64url');
      tokens.set(sandbox, token);
    }
    return token;
  };
}

export function validToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A browser posting from another site sends its Origin (or Referer): it must be this host. `opaqueOriginAllowed`
 * accepts `Origin: null`, which browsers send after a cross-site redirect chain (the consent page is reached
 * from the desk that way); the token check still applies.
 */
export function sameOrigin(req: IncomingMessage, opaqueOriginAllowed = false): boolean {
  const host = header(req, 'host');
  const origin = header(req, 'origin') ?? header(req, 'referer');
  if (!origin || (opaqueOriginAllowed && origin === 'null')) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body up to `maxBytes`. Past that it rejects with BodyTooLargeError and keeps draining, so the
 * client can read our error answer instead of seeing a reset.
 */
export function readCappedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(new BodyTooLargeError(`Request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** Reads an urlencoded form; anything else reads as an empty form (and then fails the token check). */
export async function readForm(req: IncomingMessage, maxBytes: number): Promise<URLSearchParams> {
  const body = await readCappedBody(req, maxBytes);
  const type = header(req, 'content-type') ?? '';
  return type.includes('application/x-www-form-urlencoded')
    ? new URLSearchParams(body.toString('utf8'))
    : new URLSearchParams();
}

/** X's own words for a refusal, as the page shows them. */
export function describeSandboxError(err: SandboxError): string {
  const body = err.body as { detail?: unknown; errors?: { message?: unknown }[] };
  const first = Array.isArray(body.errors) ? body.errors[0]?.message : undefined;
  return String(first ?? body.detail ?? err.message);
}
