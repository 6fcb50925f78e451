import { apiErrorSchema, sessionInfoSchema, signInRequestSchema } from '@guichet/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { isPrivateRoute, type HttpApp } from '../../platform/http/http-app.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { resolveApiToken, type ApiTokenAuth } from '../api-tokens/api-tokens.repository.ts';
import { routeAccess } from '../api-tokens/api-tokens.scopes.ts';
import { auditContextOf, auditEntry } from '../audit/audit.context.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { resolveSession, sessionInfo, signIn, signOut, type AuthenticatedSession } from './auth.commands.ts';
import type { SessionPolicy } from './sessions.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export const SESSION_COOKIE = 'guichet_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every private route. */
    auth: AuthenticatedSession | null;
    /** Set when the request authenticated with an API token rather than a session cookie. */
    apiToken: ApiTokenAuth | null;
  }
}

export interface AuthRouteDeps {
  db: Db;
  clock: Clock;
  throttle: SignInThrottle;
  cookieSecure: boolean;
  /** Session lifetimes (GUICHET_SESSION_IDLE_DAYS, GUICHET_SESSION_MAX_DAYS). */
  sessions: SessionPolicy;
  /** Says which sessions ended, so their sockets close. */
  realtime: RealtimeBus;
}

/** The cookie that carries a new session (sign-in, or a password set from a one-time link). */
export function setSessionCookie(
  reply: FastifyReply,
  deps: { cookieSecure: boolean },
  token: string,
  expiresAt: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.cookieSecure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

/** The session of a private route; the hook guarantees it is there. */
export function requireAuth(request: FastifyRequest): AuthenticatedSession {
  if (!request.auth) throw new AppError('auth.required', 'unauthenticated', 'Sign in first.');
  return request.auth;
}

/** The session of a route reserved to some roles (settings are for leads and admins). */
export function requireRole(request: FastifyRequest, roles: AuthenticatedSession['role'][]): AuthenticatedSession {
  const session = requireAuth(request);
  if (!roles.includes(session.role)) {
    throw new AppError('auth.forbidden', 'forbidden', `Only ${roles.join(' and ')} accounts can do this.`);
  }
  return session;
}

/** The role of the agent whose session cookie this request carries, for routes outside /api (/healthz). */
export async function sessionRole(deps: AuthRouteDeps, request: FastifyRequest): Promise<string | null> {
  const token = request.cookies[SESSION_COOKIE];
  const session = token ? await resolveSession(deps, token) : null;
  return session?.role ?? null;
}

function unauthorized(reply: FastifyReply, code: string, message: string) {
  return reply.status(401).send({ error: { code, message } });
}

/** `Authorization: Bearer …`: undefined without the header, '' for a malformed one (refused). */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1] ?? '';
}

/**
 * Every /api route is private unless its config says `public: true`: the default protects routes that
 * future code forgets to think about. Which route it is comes from the router's match (after it decoded the
 * path), never from the raw URL, so `/%61pi/…` or `//api//…` get the same answer as `/api/…`.
 * A request authenticates with the session cookie, or with an API token (`Authorization: Bearer gch_…`)
 * holding the scope that the route's entry in the access table asks for.
 */
export function registerAuthHook(app: HttpApp, deps: AuthRouteDeps): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('apiToken', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (!route || !isPrivateRoute(route, request.routeOptions.config)) return;
    const bearer = bearerToken(request);
    if (bearer !== undefined) {
      const resolved = bearer ? await resolveApiToken(deps, bearer) : null;
      if (!resolved) {
        return unauthorized(reply, 'auth.invalid_token', 'This API token is unknown, revoked or expired.');
      }
      const access = routeAccess(request.method, route);
      if (access === 'session-only') {
        return reply.status(403).send({
          error: { code: 'auth.session_only', message: 'API tokens cannot do this: sign in to the desk instead.' },
        });
      }
      if (access !== 'any-token' && !resolved.token.scopes.includes(access)) {
        return reply.status(403).send({
          error: {
            code: 'auth.scope_missing',
            message: `This API token lacks the ${access} scope.`,
            details: { required: access },
          },
        });
      }
      request.auth = resolved.session;
      request.apiToken = resolved.token;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(deps, token) : null;
    if (!session) return unauthorized(reply, 'auth.required', 'Sign in first.');
    request.auth = session;
  });
}

export function registerAuthRoutes(app: HttpApp, deps: AuthRouteDeps): void {
  app.post(
    '/api/auth/sign-in',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        security: [],
        body: signInRequestSchema,
        response: { 200: sessionInfoSchema, 401: apiErrorSchema, 429: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, session } = await signIn(deps, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, deps, token, expiresAt);
      return sessionInfo(deps, session);
    },
  );

  app.post(
    '/api/auth/sign-out',
    { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } } },
    async (request, reply) => {
      const session = requireAuth(request);
      const context = await auditContextOf(deps.db, request);
      await signOut(deps, session);
      await recordAudit(deps.db, auditEntry(context, 'auth.signed_out', deps.clock.now().getTime()));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in agent and workspace',
        response: { 200: sessionInfoSchema, 401: apiErrorSchema },
      },
    },
    async (request) => sessionInfo(deps, requireAuth(request)),
  );
}
