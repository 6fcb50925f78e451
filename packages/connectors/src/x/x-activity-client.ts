import { XApiError } from './x-client.ts';
import type { XaaEnvelope, XaaFilter } from './x-activity-events.ts';

/**
 * The X Activity API's subscriptions and persistent stream (`/2/activity/subscriptions`,
 * `/2/activity/stream`, official OpenAPI spec), called with the app's bearer token. twitter-api-v2 has no
 * helpers for them, so this speaks HTTP itself, with the same origin rewriting for the sandbox.
 */

export interface XaaSubscription {
  subscriptionId: string;
  eventType: string;
  filter: XaaFilter;
  tag?: string | undefined;
  webhookId?: string | undefined;
  createdAt: string;
}

export interface XaaStreamEvents {
  onEvent(envelope: XaaEnvelope): void;
  /** `lost` is followed by automatic reconnection (with up to 5 minutes of backfill). */
  onState(state: 'connected' | 'lost' | 'reconnected', detail?: string): void;
}

export interface XActivityClient {
  listSubscriptions(): Promise<XaaSubscription[]>;
  createSubscription(input: {
    eventType: string;
    filter: XaaFilter;
    tag?: string | undefined;
    webhookId?: string | undefined;
  }): Promise<XaaSubscription>;
  deleteSubscription(subscriptionId: string): Promise<void>;
  /** Routes a subscription's events to a webhook too (`PUT`; the stream, when open, gets them anyway). */
  setSubscriptionWebhook(subscriptionId: string, webhookId: string): Promise<XaaSubscription>;
  /** The app's registered webhooks (`GET /2/webhooks`): XAA webhook deliveries go to one of them. */
  listWebhooks(): Promise<{ id: string; url: string; valid: boolean }[]>;
  /** Holds `GET /2/activity/stream` open, reconnecting by itself, until `close`. */
  openStream(events: XaaStreamEvents, options?: { backfillMinutes?: number }): { close(): void };
}

export interface XActivityClientOptions {
  bearerToken: string;
  /** e.g. the sandbox's URL; default https://api.x.com. */
  apiBaseUrl?: string | undefined;
  timeoutMs?: number | undefined;
  /** X sends a keep-alive at least every 20 s: silence this long means a dead connection. */
  stallMs?: number | undefined;
}

interface RawSubscription {
  subscription_id: string;
  event_type: string;
  filter?: XaaFilter;
  tag?: string;
  webhook_id?: string;
  created_at: string;
}

const toSubscription = (s: RawSubscription): XaaSubscription => ({
  subscriptionId: s.subscription_id,
  eventType: s.event_type,
  filter: s.filter ?? {},
  tag: s.tag,
  webhookId: s.webhook_id,
  createdAt: s.created_at,
});

/** Back-off between reconnections: X asks for a growing wait, starting small after a network error. */
export function reconnectDelayMs(attempt: number, status: number | undefined): number {
  if (status === 429) return Math.min(60_000 * 2 ** attempt, 15 * 60_000);
  if (status !== undefined) return Math.min(5_000 * 2 ** attempt, 320_000);
  return Math.min(250 * (attempt + 1), 16_000);
}

export function createXActivityClient(options: XActivityClientOptions): XActivityClient {
  const base = (options.apiBaseUrl ?? 'https://api.x.com').replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const stallMs = options.stallMs ?? 30_000;
  const headers = { authorization: `Bearer ${options.bearerToken}` };

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new XApiError(`X request failed: ${(error as Error).message}`, { cause: error });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { detail: text.slice(0, 200) };
    }
    if (!res.ok) {
      const reset = Number(res.headers.get('x-rate-limit-reset'));
      throw new XApiError(`X answered ${res.status} to ${method} ${path}`, {
        status: res.status,
        body: parsed,
        ...(Number.isFinite(reset) && reset > 0 ? { rateLimitReset: reset } : {}),
      });
    }
    return parsed as T;
  }

  return {
    async listSubscriptions() {
      const all: XaaSubscription[] = [];
      let token: string | undefined;
      do {
        const query = token ? `?pagination_token=${encodeURIComponent(token)}` : '';
        const page = await request<{ data?: RawSubscription[]; meta?: { next_token?: string } }>(
          'GET',
          `/2/activity/subscriptions${query}`,
        );
        all.push(...(page.data ?? []).map(toSubscription));
        token = page.meta?.next_token;
      } while (token);
      return all;
    },
    async createSubscription(input) {
      const body = {
        event_type: input.eventType,
        filter: input.filter,
        ...(input.tag ? { tag: input.tag } : {}),
        ...(input.webhookId ? { webhook_id: input.webhookId } : {}),
      };
      const res = await request<{ data?: { subscription?: RawSubscription } }>(
        'POST',
        '/2/activity/subscriptions',
        body,
      );
      if (!res.data?.subscription) throw new XApiError('X created no subscription', { status: 400, body: res });
      return toSubscription(res.data.subscription);
    },
    async deleteSubscription(subscriptionId) {
      await request('DELETE', `/2/activity/subscriptions/${encodeURIComponent(subscriptionId)}`);
    },
    async setSubscriptionWebhook(subscriptionId, webhookId) {
      const res = await request<{ data?: { subscription?: RawSubscription } }>(
        'PUT',
        `/2/activity/subscriptions/${encodeURIComponent(subscriptionId)}`,
        { webhook_id: webhookId },
      );
      if (!res.data?.subscription) throw new XApiError('X updated no subscription', { status: 400, body: res });
      return toSubscription(res.data.subscription);
    },
    async listWebhooks() {
      const res = await request<{ data?: { id: string; url: string; valid: boolean }[] }>('GET', '/2/webhooks');
      return res.data ?? [];
    },
    openStream(events, streamOptions = {}) {
      return holdStream({ base, headers, stallMs, events, backfillMinutes: streamOptions.backfillMinutes ?? 0 });
    },
  };
}

/** Splits newline-delimited JSON as it arrives; blank lines are X's keep-alives. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at).replace(/\r$/, '').trim();
      buffer = buffer.slice(at + 1);
      if (line) onLine(line);
    }
  };
}

interface StreamOptions {
  base: string;
  headers: Record<string, string>;
  stallMs: number;
  events: XaaStreamEvents;
  backfillMinutes: number;
}

/**
 * Reads one open connection line by line until it ends, fails or stalls (no byte, not even a keep-alive,
 * for `stallMs`); an in-stream error message (X's operational disconnect) ends it too.
 */
function readConnection(body: ReadableStream<Uint8Array>, abort: AbortController, o: StreamOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    let lastDataAt = Date.now();
    const stall = setInterval(
      () => {
        if (Date.now() - lastDataAt > o.stallMs) abort.abort();
      },
      Math.min(o.stallMs, 5_000),
    );
    const finish = () => {
      clearInterval(stall);
      resolve();
    };
    const split = lineSplitter((line) => {
      let message: XaaEnvelope;
      try {
        message = JSON.parse(line) as XaaEnvelope;
      } catch {
        return; // a damaged line is skipped, never the stream
      }
      if (message.data) o.events.onEvent(message);
      else if (message.errors?.length) abort.abort();
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    const pump = (): void => {
      reader
        .read()
        .then(({ done, value }) => {
          if (done) return finish();
          lastDataAt = Date.now();
          split(decoder.decode(value, { stream: true }));
          pump();
        })
        .catch(finish);
    };
    pump();
  });
}

/** Keeps the activity stream open, reconnecting with X's back-off and 5 minutes of backfill, until closed. */
function holdStream(o: StreamOptions): { close(): void } {
  let closed = false;
  let controller: AbortController | undefined;
  let wake: (() => void) | undefined;
  let first = true;

  /** One connection; resolves with the HTTP status when refused, undefined once an open one has ended. */
  const connectOnce = async (backfill: number): Promise<number | undefined> => {
    controller = new AbortController();
    const query = backfill > 0 ? `?backfill_minutes=${backfill}` : '';
    const res = await fetch(`${o.base}/2/activity/stream${query}`, { headers: o.headers, signal: controller.signal });
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      return res.status;
    }
    o.events.onState(first ? 'connected' : 'reconnected');
    first = false;
    await readConnection(res.body, controller, o);
    return undefined;
  };

  const run = async () => {
    let attempt = 0;
    let backfill = o.backfillMinutes;
    while (!closed) {
      let status: number | undefined;
      let detail: string | undefined;
      try {
        status = await connectOnce(backfill);
        if (status === undefined) attempt = 0;
      } catch (error) {
        detail = (error as Error).message;
      }
      if (closed) break;
      o.events.onState('lost', status ? `HTTP ${status}` : detail);
      // What arrived while disconnected is asked for again (X keeps 5 minutes); duplicates are dropped by id.
      backfill = 5;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, reconnectDelayMs(attempt++, status));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
      wake?.();
    },
  };
}
