import { apiErrorSchema, sessionInfoSchema, signInRequestSchema } from '@guichet/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { resolveSession, sessionInfo, signIn, signOut, type AuthenticatedSession } from './auth.commands.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export const SESSION_COOKIE = 'guichet_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every private route. */
    auth: AuthenticatedSession | null;
  }
}

export interface AuthRouteDeps {
  db: Db;
  clock: Clock;
  throttle: SignInThrottle;
  cookieSecure: boolean;
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

/**
 * Every /api route is private unless its config says `public: true`: the default protects routes that
 * future code forgets to think about.
 */
export function registerAuthHook(app: HttpApp, deps: AuthRouteDeps): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(request.url === '/api' || request.url.startsWith('/api/'))) return;
    if (request.routeOptions.config?.public) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(deps, token) : null;
    if (!session) {
      return reply.status(401).send({ error: { code: 'auth.required', message: 'Sign in first.' } });
    }
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
      const { token, expiresAt, session } = await signIn(deps, { ...request.body, ip: request.ip });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.cookieSecure,
        path: '/',
        expires: new Date(expiresAt),
      });
      return sessionInfo(deps, session);
    },
  );

  app.post(
    '/api/auth/sign-out',
    { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } } },
    async (request, reply) => {
      await signOut(deps, requireAuth(request).sessionId);
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
