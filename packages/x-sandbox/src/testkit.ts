import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { createXSandbox, type XSandbox, type XSandboxOptions } from './sandbox.ts';

/** Test helpers shared by the sandbox's feature suites (not a test file itself). */

/** A fake clock that moves `stepMs` per reading, so every write gets a distinct, increasing time. */
export function steppingClock(startIso = '2026-08-20T14:00:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(startIso);
  return () => new Date((t += stepMs));
}

/** A clock that only moves when told to. */
export function manualClock(startIso = '2026-08-20T14:00:00.000Z'): { now: () => Date; advance(ms: number): void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export function redirectTo(base: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace('https://api.x.com', base);
    },
    onBeforeStreamRequestConfig({ params }) {
      params.url = params.url.replace('https://api.x.com', base);
    },
  };
}

const agent = new http.Agent({ keepAlive: false });

export type Tokens =
  | string
  | { appKey: string; appSecret: string; accessToken?: string; accessSecret?: string }
  | { clientId: string; clientSecret?: string };

export function client(base: string, tokens: Tokens): TwitterApi {
  const settings = { httpAgent: agent, plugins: [redirectTo(base)] };
  return new TwitterApi(tokens as never, settings);
}

// Response.json() is typed unknown; tests inspect free-form bodies.
export const json = (res: Response): Promise<any> => res.json();

export async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiResponseError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

export async function startSandbox(options: XSandboxOptions = {}) {
  const sb = createXSandbox({ clock: steppingClock(), ...options });
  const { url } = await sb.listen();
  const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support', followersCount: 5120, verified: true });
  const camille = sb.createUser({ username: 'camille_durand', name: 'Camille Durand', followersCount: 312 });
  const bob = sb.createUser({ username: 'bob_martin', name: 'Bob Martin' });
  return { sb, url, brand, camille, bob };
}

export type Started = Awaited<ReturnType<typeof startSandbox>>;

/** A local HTTP server for webhooks / CRC; `handler` decides each answer. */
export async function receiver(
  handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/x/webhook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sandboxCleanup(list: XSandbox[]): () => Promise<void> {
  return async () => {
    await Promise.all(list.map((s) => s.close()));
    list.length = 0;
  };
}

/** The first entry of an error body's `errors[]` (typed loosely: v1 and v2 shapes differ). */
export function firstError(err: ApiResponseError): any {
  return (err.data as { errors?: unknown[] }).errors?.[0];
}
