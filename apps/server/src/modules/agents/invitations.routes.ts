import {
  acceptInvitationRequestSchema,
  apiErrorSchema,
  invitationInfoSchema,
  sessionInfoSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { sessionInfo } from '../auth/auth.commands.ts';
import { setSessionCookie } from '../auth/auth.routes.ts';
import type { AgentAdminDeps } from './agent-admin.commands.ts';
import { acceptLink, describeLink } from './invitations.commands.ts';

// The token is 32 random bytes in base64url: anything else is not one of ours.
const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

/**
 * The public side of a one-time link (invitation or password reset): the page reads who it is for, then
 * sets the password and signs the agent in. Public because the invitee has no session yet; the token is
 * the credential (256 random bits, stored hashed, single use, short-lived).
 */
export function registerInvitationRoutes(app: HttpApp, deps: AgentAdminDeps & { cookieSecure: boolean }): void {
  app.get(
    '/api/invitations/:token',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Who a one-time password link is for, while it can still be used',
        security: [],
        params: tokenParams,
        response: { 200: invitationInfoSchema, 400: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      // The token is in the path: nothing that caches or refers may keep it.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return describeLink(deps, request.params.token);
    },
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Set the password with a one-time link; signs the agent in (sets the session cookie)',
        security: [],
        params: tokenParams,
        body: acceptInvitationRequestSchema,
        response: { 200: sessionInfoSchema, 400: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, session } = await acceptLink(deps, request.params.token, {
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      setSessionCookie(reply, deps, token, expiresAt);
      reply.header('cache-control', 'no-store');
      return sessionInfo(deps, session);
    },
  );
}
