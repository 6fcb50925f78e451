import {
  apiErrorSchema,
  caseDetailSchema,
  caseListQuerySchema,
  caseListSchema,
  messageSchema,
  replyRequestSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { replyToCase, type ReplyDeps } from './cases.commands.ts';
import { findCaseRow, findCaseSummary, listCaseMessages, listCases } from './cases.repository.ts';

const caseParams = z.object({ caseId: z.string().min(1).max(100) });

export function registerCaseRoutes(app: HttpApp, deps: ReplyDeps & { db: Db }): void {
  app.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases, newest activity first',
        querystring: caseListQuerySchema,
        response: { 200: caseListSchema },
      },
    },
    async (request) => listCases(deps.db, requireAuth(request).workspaceId, request.query),
  );

  app.get(
    '/api/cases/:caseId',
    {
      schema: {
        tags: ['cases'],
        summary: 'A case with all its messages in order',
        params: caseParams,
        response: { 200: caseDetailSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const caseRow = await findCaseRow(deps.db, workspaceId, request.params.caseId);
      const summary = caseRow ? await findCaseSummary(deps.db, workspaceId, caseRow.id) : null;
      if (!caseRow || !summary) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
      return { case: summary, messages: await listCaseMessages(deps.db, caseRow) };
    },
  );

  app.post(
    '/api/cases/:caseId/replies',
    {
      schema: {
        tags: ['cases'],
        summary: 'Queue a reply to the case; delivery continues in the background',
        params: caseParams,
        body: replyRequestSchema,
        response: { 202: messageSchema, 400: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const message = await replyToCase(deps, requireAuth(request), request.params.caseId, request.body);
      return reply.status(202).send(message);
    },
  );
}
