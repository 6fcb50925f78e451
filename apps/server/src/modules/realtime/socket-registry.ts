import type { RealtimeControl } from '../../platform/realtime.ts';

/** The part of a WebSocket the registry needs, so tests and the route share one shape. */
export interface ClosableSocket {
  close(code?: number, reason?: string): void;
  /** 1 while open (WebSocket.OPEN); a socket closing or closed no longer counts. */
  readonly readyState: number;
}

const OPEN = 1;

export interface TrackedSocket {
  socket: ClosableSocket;
  sessionId: string;
  agentId: string;
  /** When the session ends if nothing extends it; checked again against the database once passed. */
  endsAt: number;
  /** When the database last said the session was alive. */
  checkedAt: number;
}

/** Close codes the web app acts on: 4401 sends the agent to sign-in, 4429 waits before trying again. */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/** One open tab is one socket; a session with more than this many is misbehaving, or stolen and replayed. */
export const MAX_SOCKETS_PER_SESSION = 10;

/** The sockets this process holds, by session, so that the end of a session closes them at once. */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<TrackedSocket>>();

  constructor(private readonly maxPerSession = MAX_SOCKETS_PER_SESSION) {}

  /** Tracks a socket; false (and not tracked) when its session already has the most sockets allowed. */
  add(entry: TrackedSocket): boolean {
    const sockets = this.bySession.get(entry.sessionId) ?? new Set<TrackedSocket>();
    // A tab that just closed may not have finished its closing handshake yet: its place is free already.
    for (const other of sockets) if (other.socket.readyState !== OPEN) sockets.delete(other);
    if (sockets.size >= this.maxPerSession) return false;
    sockets.add(entry);
    this.bySession.set(entry.sessionId, sockets);
    return true;
  }

  remove(entry: TrackedSocket): void {
    const sockets = this.bySession.get(entry.sessionId);
    if (!sockets) return;
    sockets.delete(entry);
    if (sockets.size === 0) this.bySession.delete(entry.sessionId);
  }

  /** Whether the agent still has a socket here (any session): presence ends with their last tab. */
  hasAgent(agentId: string): boolean {
    for (const sockets of this.bySession.values()) for (const s of sockets) if (s.agentId === agentId) return true;
    return false;
  }

  countFor(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  /** The sockets a `session.revoked` message names, by session id or by agent. */
  matching(message: RealtimeControl): TrackedSocket[] {
    const found: TrackedSocket[] = [];
    for (const id of message.sessionIds ?? []) found.push(...(this.bySession.get(id) ?? []));
    if (message.agentId) {
      for (const sockets of this.bySession.values()) {
        for (const entry of sockets) if (entry.agentId === message.agentId) found.push(entry);
      }
    }
    return [...new Set(found)];
  }

  /**
   * Session ids to ask the database about: a socket's known end has passed, or its session was last seen
   * alive `recheckMs` ago (another process, such as the CLI, may have ended it without telling this one).
   */
  sessionsDueForCheck(now: number, recheckMs: number): string[] {
    const due: string[] = [];
    for (const [sessionId, sockets] of this.bySession) {
      if ([...sockets].some((entry) => entry.endsAt <= now || now - entry.checkedAt >= recheckMs)) due.push(sessionId);
    }
    return due;
  }

  socketsOf(sessionId: string): TrackedSocket[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }
}
