import {
  apiErrorSchema,
  caseRestructureResultSchema,
  mergeCaseRequestSchema,
  messagePageQuerySchema,
  messagePageSchema,
  splitCaseRequestSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { mergeCases } from './cases.merge.ts';
import { listCaseMessagePage } from './cases.messages.ts';
import { findCaseRow } from './cases.repository.ts';
import { splitCase } from './cases.split.ts';
import type { WorkflowDeps } from './cases.workflow.ts';

const caseParams = z.object({ caseId: z.string().min(1).max(100) });

/** Long threads read in pages; cases split at a message or merged (issue 13). */
export function registerCaseStructureRoutes(app: HttpApp, deps: WorkflowDeps & { db: Db }): void {
  app.get(
    '/api/cases/:caseId/messages',
    {
      schema: {
        tags: ['cases'],
        summary: 'A page of the case’s messages, newest first by page (keyset: `before` is the olderCursor)',
        params: caseParams,
        querystring: messagePageQuerySchema,
        response: { 200: messagePageSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const caseRow = await findCaseRow(deps.db, workspaceId, request.params.caseId);
      if (!caseRow) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
      return listCaseMessagePage(deps.db, caseRow, request.query);
    },
  );

  app.post(
    '/api/cases/:caseId/split',
    {
      schema: {
        tags: ['cases'],
        summary: 'Split the case at a message: it and the later ones become a new case (returned)',
        params: caseParams,
        body: splitCaseRequestSchema,
        response: { 201: caseRestructureResultSchema, 400: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      const context = await auditContextOf(deps.db, request);
      const result = await splitCase(deps, session, request.params.caseId, request.body, context);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/cases/:caseId/merge',
    {
      schema: {
        tags: ['cases'],
        summary:
          'Merge another case of the same customer into this one (it is resolved and points here); 422 ' +
          'merge.different_customers otherwise',
        params: caseParams,
        body: mergeCaseRequestSchema,
        response: {
          200: caseRestructureResultSchema,
          400: apiErrorSchema,
          404: apiErrorSchema,
          409: apiErrorSchema,
          422: apiErrorSchema,
        },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const context = await auditContextOf(deps.db, request);
      return mergeCases(deps, session, request.params.caseId, request.body, context);
    },
  );
}
