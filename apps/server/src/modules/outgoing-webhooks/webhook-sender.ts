import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from '../../platform/errors.ts';
import {
  assertAddressesAllowed,
  bareHost,
  guardedLookup,
  parseWebhookUrl,
  systemLookup,
  type Lookup,
  type UrlPolicy,
} from './url-guard.ts';

/** A receiver that has not answered in this long is counted as failed (and retried later). */
export const SEND_TIMEOUT_MS = 10_000;
/** Only the status matters; a receiver's body is read this far and dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the timestamp lets receivers refuse replays. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface SendRequest {
  url: string;
  policy: UrlPolicy;
  secret: string;
  event: string;
  deliveryId: string;
  body: string;
  /** Unix seconds for the signature (the desk's clock). */
  timestamp: number;
  lookup?: Lookup | undefined;
  timeoutMs?: number | undefined;
}

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one signed delivery. Never throws: every outcome (refused address, timeout, 500) is a result for
 * the delivery log. Redirects are not followed (the new address would escape the checks).
 */
export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const done = (ok: boolean, status: number | null, error: string | null): SendResult => ({
    ok,
    status,
    error: error?.slice(0, 500) ?? null,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = parseWebhookUrl(request.url, request.policy);
    const host = bareHost(url);
    if (net.isIP(host)) assertAddressesAllowed(host, [host], request.policy);
  } catch (error) {
    return done(false, null, error instanceof AppError ? error.message : String(error));
  }
  const client = url.protocol === 'https:' ? https : http;
  const timeoutMs = request.timeoutMs ?? SEND_TIMEOUT_MS;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const outgoing = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(request.policy, request.lookup ?? systemLookup),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': 'Guichet-Webhooks/1',
          'x-guichet-event': request.event,
          'x-guichet-delivery': request.deliveryId,
          'x-guichet-signature': signatureHeader(request.secret, request.body, request.timestamp),
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const settle = () =>
          finish(
            status >= 200 && status < 300
              ? done(true, status, null)
              : done(false, status, status >= 300 && status < 400 ? 'redirects are not followed' : `HTTP ${status}`),
          );
        response.on('end', settle);
        response.on('close', settle);
        response.on('error', settle);
      },
    );
    // One deadline for the whole exchange (connect, send, answer): a slow drip must not hold the worker.
    const deadline = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    outgoing.on('error', (error: Error) => finish(done(false, null, error.message)));
    outgoing.end(request.body);
  });
}
