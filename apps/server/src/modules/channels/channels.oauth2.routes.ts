import { randomBytes } from 'node:crypto';
import { apiErrorSchema } from '@guichet/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { deskOrigin } from '../../platform/http/request-guards.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireRole } from '../auth/auth.routes.ts';
import { connectWithOAuth2 } from './channels.commands.ts';
import type { ChannelRouteDeps } from './channels.routes.ts';
import { authorizeRedirect, exchangeCode, pkcePair, type OAuth2Clients } from './x-oauth2.ts';

const OAUTH2_COOKIE = 'guichet_x_oauth2';
const OAUTH2_PATH = '/api/channels/x/oauth2';
/** The person has this long to approve on X; X's own code then lives 30 s. */
const OAUTH2_FLOW_MS = 10 * 60_000;

interface PendingOAuth2 {
  state: string;
  verifier: string;
  redirectUri: string;
  workspaceId: string;
  agentId: string;
  sandbox: boolean;
  expiresAt: number;
}

/**
 * Where X sends the browser back: GUICHET_PUBLIC_URL, else this desk as the browser reached it (its Host;
 * forwarded headers only from a trusted proxy).
 */
function callbackUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return `${deskOrigin(request, publicUrl)}${OAUTH2_PATH}/callback`;
}

/** The flow cookie opens only for the agent who started the flow. */
function flowCookieContext(agentId: string): string {
  return `cookie:x-oauth2:${agentId}`;
}

const callbackQuery = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

/**
 * "Sign in with X" (OAuth 2.0 with PKCE): the admin approves the desk on X, X sends the browser back with a
 * code, the desk exchanges it and stores the tokens sealed. The flow's state lives in a sealed cookie bound
 * to the admin who started it, so any web process can finish it.
 */
export function registerChannelOAuth2Routes(
  app: HttpApp,
  deps: ChannelRouteDeps,
  shared: { oauth2: OAuth2Clients; commandDeps: Parameters<typeof connectWithOAuth2>[0] },
): void {
  const { oauth2, commandDeps } = shared;
  app.get(
    `${OAUTH2_PATH}/start`,
    {
      schema: {
        tags: ['channels'],
        summary: 'Start connecting an X account with OAuth 2.0 (PKCE): redirects to X to approve the desk',
        response: { 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin']);
      const client = oauth2.forNewConnection();
      if (!client) {
        throw new AppError(
          'channel.oauth2_not_configured',
          'invalid',
          'Set X_CLIENT_ID and X_CLIENT_SECRET (your X app’s OAuth 2.0 client) to connect accounts with X.',
        );
      }
      const { verifier, challenge } = pkcePair();
      const pending: PendingOAuth2 = {
        state: randomBytes(24).toString('base64url'),
        verifier,
        redirectUri: callbackUrl(request, deps.config.publicUrl),
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        sandbox: client.sandbox,
        expiresAt: deps.clock.now().getTime() + OAUTH2_FLOW_MS,
      };
      // The verifier stays on this browser, sealed: nothing to store server-side, any web process can finish.
      reply.setCookie(OAUTH2_COOKIE, deps.secrets.seal(JSON.stringify(pending), flowCookieContext(session.agentId)), {
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.cookieSecure,
        path: OAUTH2_PATH,
        maxAge: OAUTH2_FLOW_MS / 1000,
      });
      return reply.redirect(
        authorizeRedirect(client, { redirectUri: pending.redirectUri, state: pending.state, challenge }),
      );
    },
  );

  app.get(
    `${OAUTH2_PATH}/callback`,
    {
      schema: {
        tags: ['channels'],
        summary: 'Where X sends the browser back: exchanges the code and stores the tokens encrypted',
        querystring: callbackQuery,
        response: { 403: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin']);
      const back = (params: Record<string, string>) => {
        reply.clearCookie(OAUTH2_COOKIE, { path: OAUTH2_PATH });
        return reply.redirect(`/channels?${new URLSearchParams(params).toString()}`);
      };
      const fail = (reason: string) => back({ oauth2: 'error', reason });
      let pending: PendingOAuth2 | undefined;
      try {
        const sealed = request.cookies[OAUTH2_COOKIE];
        pending = sealed
          ? (JSON.parse(deps.secrets.open(sealed, flowCookieContext(session.agentId))) as PendingOAuth2)
          : undefined;
      } catch {
        pending = undefined;
      }
      const query = request.query;
      if (query.error) return fail(query.error === 'access_denied' ? 'access_denied' : query.error);
      if (
        !pending ||
        !query.state ||
        pending.state !== query.state ||
        pending.agentId !== session.agentId ||
        pending.workspaceId !== session.workspaceId ||
        pending.expiresAt < deps.clock.now().getTime()
      ) {
        return fail('state_mismatch');
      }
      if (!query.code) return fail('no_code');
      const client = pending.sandbox ? oauth2.forSandbox() : oauth2.forNewConnection();
      if (!client || client.sandbox !== pending.sandbox) return fail('not_configured');
      try {
        const tokens = await exchangeCode(
          client,
          { code: query.code, redirectUri: pending.redirectUri, verifier: pending.verifier },
          deps.clock.now().getTime(),
        );
        const channelId = await connectWithOAuth2(commandDeps, {
          workspaceId: session.workspaceId,
          agentId: session.agentId,
          audit: await auditContextOf(deps.db, request),
          sandbox: pending.sandbox,
          apiBaseUrl: deps.config.xApiBaseUrl,
          sandboxUrl: deps.sandbox?.url,
          tokens,
        });
        return back({ connected: channelId });
      } catch (error) {
        deps.logger.warn({ err: error }, 'X OAuth 2.0 connection failed');
        return fail(error instanceof Error ? error.message.slice(0, 300) : 'failed');
      }
    },
  );
}
