import {
  apiErrorSchema,
  apiTokenCreateSchema,
  apiTokenCreatedSchema,
  apiTokenListSchema,
  apiTokenSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { auditContextOf, auditEntry } from '../audit/audit.context.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { requireRole } from '../auth/auth.routes.ts';
import { findApiToken, insertApiToken, listApiTokens, markApiTokenRevoked } from './api-tokens.repository.ts';

export interface ApiTokenRouteDeps {
  db: Db;
  clock: Clock;
}

const tokenParams = z.object({ tokenId: z.string().min(1).max(100) });

/**
 * API tokens (F29), an admin's business in the browser: the access table makes these routes session-only,
 * so no token can mint or revoke tokens.
 */
export function registerApiTokenRoutes(app: HttpApp, deps: ApiTokenRouteDeps): void {
  app.get(
    '/api/api-tokens',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'The workspace’s API tokens with their scopes and last use (admins)',
        response: { 200: apiTokenListSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin']);
      return { tokens: await listApiTokens(deps.db, session.workspaceId) };
    },
  );

  app.post(
    '/api/api-tokens',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'Create an API token; the answer is the only time the token itself is shown (admins)',
        body: apiTokenCreateSchema,
        response: { 201: apiTokenCreatedSchema, 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin']);
      const context = await auditContextOf(deps.db, request);
      const now = deps.clock.now().getTime();
      const { name, scopes } = request.body;
      const created = await deps.db.transaction().execute(async (tx) => {
        const minted = await insertApiToken(tx, {
          workspaceId: session.workspaceId,
          agentId: session.agentId,
          name,
          scopes,
          expiresInDays: request.body.expiresInDays ?? null,
          now,
        });
        const token = await findApiToken(tx, session.workspaceId, minted.id);
        await recordAudit(
          tx,
          auditEntry(context, 'api_token.created', now, {
            subject: { type: 'api_token', id: minted.id },
            after: { name, scopes, prefix: token.prefix, expiresAt: token.expiresAt },
          }),
        );
        return { token, secret: minted.secret };
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/api-tokens/:tokenId/revoke',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'Revoke an API token: it stops working at once (admins)',
        params: tokenParams,
        response: { 200: apiTokenSchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin']);
      const context = await auditContextOf(deps.db, request);
      const now = deps.clock.now().getTime();
      return deps.db.transaction().execute(async (tx) => {
        const before = await findApiToken(tx, session.workspaceId, request.params.tokenId);
        if (!(await markApiTokenRevoked(tx, session.workspaceId, before.id, now))) {
          throw new AppError('api_token.already_revoked', 'conflict', 'This API token is revoked already.');
        }
        await recordAudit(
          tx,
          auditEntry(context, 'api_token.revoked', now, {
            subject: { type: 'api_token', id: before.id },
            before: { name: before.name, scopes: before.scopes, prefix: before.prefix },
          }),
        );
        return findApiToken(tx, session.workspaceId, before.id);
      });
    },
  );
}
