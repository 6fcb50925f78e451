import { apiErrorSchema, sessionListSchema, signedOutSchema } from '@guichet/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { SESSION_COOKIE, requireAuth } from './auth.routes.ts';
import { deleteExpiredSessions, deleteSessions, type SessionPolicy } from './sessions.ts';

export interface SessionRouteDeps {
  db: Db;
  clock: Clock;
  realtime: RealtimeBus;
  config: { sessions: SessionPolicy };
}

const sessionParams = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) });

/** The signed-in agent's own sessions: where they are signed in, and signing some of them out. */
export function registerSessionRoutes(app: HttpApp, deps: SessionRouteDeps): void {
  const tags = ['auth'];

  /** Deletes the agent's sessions that `which` names, records it, and closes their sockets. */
  const endSessions = async (request: FastifyRequest, which: { sessionIds?: string[]; exceptSessionId?: string }) => {
    const session = requireAuth(request);
    const now = deps.clock.now().getTime();
    const ended = await deps.db.transaction().execute(async (tx) => {
      const ids = await deleteSessions(tx, { agentId: session.agentId, ...which });
      if (ids.length === 0) return ids;
      const agent = await tx.selectFrom('agents').select('email').where('id', '=', session.agentId).executeTakeFirst();
      await recordAudit(tx, {
        workspaceId: session.workspaceId,
        action: 'agent.sessions_revoked',
        actor: { type: 'agent', id: session.agentId, label: agent?.email ?? null },
        subject: { type: 'agent', id: session.agentId },
        ip: request.ip,
        details: { sessionsEnded: ids.length, scope: which.exceptSessionId ? 'others' : 'one' },
        occurredAt: now,
      });
      return ids;
    });
    if (ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: ended });
    return ended;
  };

  app.get(
    '/api/auth/sessions',
    {
      schema: {
        tags,
        summary: 'Where the signed-in agent is signed in: device, address, start and last use',
        response: { 200: sessionListSchema },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const now = deps.clock.now().getTime();
      await deleteExpiredSessions(deps.db, session.agentId, now, deps.config.sessions);
      const rows = await deps.db
        .selectFrom('sessions')
        .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
        .where('agent_id', '=', session.agentId)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id')
        .execute();
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        sessions: rows.map((row) => ({
          id: row.id,
          createdAt: iso(row.created_at),
          lastSeenAt: iso(row.last_seen_at),
          expiresAt: iso(Math.min(row.expires_at, row.created_at + deps.config.sessions.maxMs)),
          ip: row.ip,
          userAgent: row.user_agent,
          current: row.id === session.sessionId,
        })),
      };
    },
  );

  app.delete(
    '/api/auth/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: 'Sign out one of one’s own sessions (this one included)',
        params: sessionParams,
        response: { 204: z.null(), 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const ended = await endSessions(request, { sessionIds: [request.params.sessionId] });
      if (ended.length === 0) throw new AppError('session.not_found', 'not_found', 'This session has already ended.');
      if (request.params.sessionId === requireAuth(request).sessionId) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/sessions/sign-out-others',
    {
      schema: {
        tags,
        summary: 'Sign out everywhere else: every session but this one',
        response: { 200: signedOutSchema },
      },
    },
    async (request) => {
      const ended = await endSessions(request, { exceptSessionId: requireAuth(request).sessionId });
      return { signedOut: ended.length };
    },
  );
}
