import { realtimeEventSchema, type RealtimeEvent } from '@guichet/contracts';
import { reconnectDelay } from './backoff.ts';

export type RealtimeStatus = 'connecting' | 'live' | 'reconnecting';

/** Close codes the server uses: the session ended (go to sign-in); too many tabs on one session (wait). */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY_SOCKETS = 4429;
/** After a 4429 the next try waits the longest backoff: another tab closing is what frees a place. */
const LONGEST_BACKOFF_ATTEMPT = 5;

/** The part of the browser's WebSocket this module uses, so tests can hand in a fake. */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface RealtimeConnectionOptions {
  url: string;
  onEvent: (event: RealtimeEvent) => void;
  onStatus: (status: RealtimeStatus) => void;
  /** Events may have been missed while disconnected: the caller refetches what it shows. */
  onReconnected: () => void;
  /** The server closed the socket because the session ended (sign-out elsewhere, deactivation, expiry). */
  onSessionEnded?: () => void;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
}

/** `/api/realtime` on the page's own origin, over TLS when the page is. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/realtime`;
}

/** Keeps one WebSocket open to the server, reconnecting with backoff until stopped. */
export class RealtimeConnection {
  private readonly options: RealtimeConnectionOptions;
  private readonly createSocket: (url: string) => SocketLike;
  private socket: SocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private hasBeenLive = false;
  private stopped = true;

  constructor(options: RealtimeConnectionOptions) {
    this.options = options;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.options.onStatus('connecting');
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close(1000, 'client closed');
    }
  }

  /** Skips the remaining backoff, e.g. when the browser reports the network is back. */
  retryNow(): void {
    if (this.stopped || this.socket) return;
    this.clearRetry();
    this.connect();
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onStatus('live');
      if (this.hasBeenLive) this.options.onReconnected();
      this.hasBeenLive = true;
    };
    socket.onmessage = (message) => this.handleMessage(message.data);
    // Errors are always followed by a close, where reconnection happens.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === CLOSE_SESSION_ENDED) {
        this.stop();
        this.options.onSessionEnded?.();
        return;
      }
      if (event.code === CLOSE_TOO_MANY_SOCKETS) this.attempt = Math.max(this.attempt, LONGEST_BACKOFF_ATTEMPT);
      this.scheduleReconnect();
    };
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    // Events this build does not know (a newer server) are ignored; the safety-net polling covers them.
    const parsed = realtimeEventSchema.safeParse(json);
    if (parsed.success) this.options.onEvent(parsed.data);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.options.onStatus(this.hasBeenLive ? 'reconnecting' : 'connecting');
    const delay = reconnectDelay(this.attempt, this.options.random);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
