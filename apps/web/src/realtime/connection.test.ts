import type { RealtimeEvent } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeConnection, realtimeUrl, type RealtimeStatus, type SocketLike } from './connection.ts';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.(new Event('open'));
  }
  receive(data: string): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(): void {
    this.onerror?.(new Event('error'));
    this.onclose?.({ code: 1006 } as CloseEvent);
  }
  closeWith(code: number): void {
    this.onclose?.({ code } as CloseEvent);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const events: RealtimeEvent[] = [];
  const statuses: RealtimeStatus[] = [];
  const onReconnected = vi.fn();
  const onSessionEnded = vi.fn();
  const connection = new RealtimeConnection({
    url: 'ws://desk.test/api/realtime',
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    onEvent: (event) => events.push(event),
    onStatus: (status) => statuses.push(status),
    onReconnected,
    onSessionEnded,
    random: () => 1,
  });
  const latest = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket opened');
    return socket;
  };
  return { connection, sockets, events, statuses, onReconnected, onSessionEnded, latest };
}

describe('RealtimeConnection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes on valid events and ignores anything else', () => {
    const { connection, events, latest } = setup();
    connection.start();
    latest().open();
    latest().receive(JSON.stringify({ type: 'case.changed', caseId: 'c1', updatedAt: '2025-03-14T10:00:00Z' }));
    latest().receive('not json');
    latest().receive(JSON.stringify({ type: 'case.deleted', caseId: 'c1' }));
    expect(events).toEqual([{ type: 'case.changed', caseId: 'c1', updatedAt: '2025-03-14T10:00:00Z' }]);
  });

  it('reconnects with growing delays and reports the recovery', () => {
    const { connection, sockets, statuses, onReconnected, latest } = setup();
    connection.start();
    latest().open();
    expect(statuses).toEqual(['connecting', 'live']);

    latest().drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);

    latest().drop();
    vi.advanceTimersByTime(1_999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    expect(onReconnected).not.toHaveBeenCalled();
    latest().open();
    expect(statuses.at(-1)).toBe('live');
    expect(onReconnected).toHaveBeenCalledTimes(1);

    // A successful connection resets the backoff.
    latest().drop();
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(4);
  });

  it('stops for good when stopped', () => {
    const { connection, sockets, latest } = setup();
    connection.start();
    latest().open();
    const socket = latest();
    connection.stop();
    expect(socket.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('gives up and says so when the server ends the session (4401)', () => {
    const { connection, sockets, onSessionEnded, latest } = setup();
    connection.start();
    latest().open();
    latest().closeWith(4401);
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('waits the longest backoff when the session has too many tabs open (4429)', () => {
    const { connection, sockets, onSessionEnded, latest } = setup();
    connection.start();
    latest().closeWith(4429);
    vi.advanceTimersByTime(29_999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it('builds the socket URL from the page origin', () => {
    expect(realtimeUrl({ protocol: 'https:', host: 'desk.example.com' })).toBe('wss://desk.example.com/api/realtime');
    expect(realtimeUrl({ protocol: 'http:', host: '192.168.1.5:3000' })).toBe('ws://192.168.1.5:3000/api/realtime');
  });
});
