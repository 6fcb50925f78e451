import type { RealtimeEvent } from '@guichet/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { findLiveSession, type SessionPolicy } from '../auth/sessions.ts';
import { markAbsent, markPresent } from '../presence/presence.store.ts';
import { CLOSE_SESSION_ENDED, CLOSE_TOO_MANY_SOCKETS, SocketRegistry, type TrackedSocket } from './socket-registry.ts';

export interface RealtimeRouteDeps {
  realtime: RealtimeBus;
  db: Db;
  clock: Clock;
  config: { publicUrl?: string | undefined; sessions: SessionPolicy };
}

/**
 * How often this process looks for sockets whose session may have ended: a scan in memory; the database is
 * asked only about sessions whose known end has passed or that were last checked `RECHECK_MS` ago.
 */
const EXPIRY_CHECK_MS = 2_000;
const RECHECK_MS = 60_000;

/**
 * A page on another site may open a WebSocket to the desk with the agent's cookie (cross-site WebSocket
 * hijacking); browsers always send Origin on WebSocket requests, so a foreign one is refused. Clients that
 * are not browsers send none and cannot borrow a cookie.
 */
export function isOwnOrigin(request: FastifyRequest, publicUrl: string | undefined): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl && parsed.origin === publicUrl) return true;
  return parsed.host === request.headers.host || parsed.host === request.host;
}

/**
 * Each event written once for all the sockets it goes to: the bus hands every subscriber the same object, and
 * with 200 agents on a web process, serialising it per socket cost a share of its CPU (npm run load).
 */
const wireTexts = new WeakMap<RealtimeEvent, string>();
function wireText(event: RealtimeEvent): string {
  let text = wireTexts.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    wireTexts.set(event, text);
  }
  return text;
}

/** One WebSocket per open tab; it only says what changed in the agent's workspace. */
export function registerRealtimeRoutes(app: HttpApp, deps: RealtimeRouteDeps): void {
  const registry = new SocketRegistry();
  const close = (entry: TrackedSocket, code: number, reason: string) => {
    registry.remove(entry);
    entry.socket.close(code, reason);
  };

  // Whichever process ended a session says so on the bus; the one holding its sockets closes them.
  const stopListening = deps.realtime.subscribeControl((message) => {
    if (message.type !== 'session.revoked') return;
    for (const entry of registry.matching(message)) close(entry, CLOSE_SESSION_ENDED, 'session ended');
  });

  // Sessions also end by themselves (idle timeout, absolute lifetime): sockets past their session's known
  // end are checked again, and closed unless the agent's use of the desk has extended it meanwhile.
  let checking = false;
  const checkExpiries = async () => {
    if (checking) return;
    checking = true;
    try {
      const now = deps.clock.now().getTime();
      for (const sessionId of registry.sessionsDueForCheck(now, RECHECK_MS)) {
        const live = await findLiveSession(
          { db: deps.db, clock: deps.clock, sessions: deps.config.sessions },
          sessionId,
        );
        for (const entry of registry.socketsOf(sessionId)) {
          if (live) Object.assign(entry, { endsAt: live.endsAt, checkedAt: now });
          else close(entry, CLOSE_SESSION_ENDED, 'session expired');
        }
      }
    } catch (error) {
      app.log.warn({ err: error }, 'could not check realtime sessions');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void checkExpiries(), EXPIRY_CHECK_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    stopListening();
  });

  const refuseForeignOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (isOwnOrigin(request, deps.config.publicUrl)) return;
    return reply.status(403).send({
      error: { code: 'realtime.foreign_origin', message: 'This page may not open the desk’s realtime connection.' },
    });
  };

  app.get(
    '/api/realtime',
    { websocket: true, schema: { hide: true }, onRequest: refuseForeignOrigin },
    async (socket, request) => {
      const { workspaceId, sessionId, agentId } = requireAuth(request);
      const live = await findLiveSession({ db: deps.db, clock: deps.clock, sessions: deps.config.sessions }, sessionId);
      if (!live) {
        socket.close(CLOSE_SESSION_ENDED, 'session ended');
        return;
      }
      // The tab may have gone while the session was read: nothing to track then.
      if (socket.readyState !== socket.OPEN) return;
      const entry: TrackedSocket = {
        socket,
        sessionId,
        agentId,
        endsAt: live.endsAt,
        checkedAt: deps.clock.now().getTime(),
      };
      if (!registry.add(entry)) {
        socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many open tabs for this session');
        return;
      }
      const unsubscribe = deps.realtime.subscribe(workspaceId, (event) => {
        if (socket.readyState === socket.OPEN) socket.send(wireText(event));
      });
      // Idle proxies cut silent connections; a ping every 25 s keeps them open, and says the agent is present
      // (round-robin assignment counts agents present).
      const present = () =>
        markPresent(deps.db, { agentId, workspaceId }, deps.clock.now().getTime()).catch((error: unknown) =>
          app.log.warn({ err: error }, 'could not record presence'),
        );
      void present();
      const keepAlive = setInterval(() => {
        socket.ping();
        void present();
      }, 25_000);
      socket.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        registry.remove(entry);
        if (!registry.hasAgent(agentId)) void markAbsent(deps.db, agentId).catch(() => undefined);
      });
    },
  );
}
