import {
  apiErrorSchema,
  approveRequestSchema,
  messageSchema,
  pendingApprovalListSchema,
  rejectRequestSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { approveReply, rejectReply, type ApprovalDeps } from './approvals.commands.ts';
import { canReview, listPendingApprovals } from './approvals.repository.ts';

const messageParams = z.object({ messageId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

/** The leads' approval queue (F17). */
export function registerApprovalRoutes(app: HttpApp, deps: ApprovalDeps): void {
  app.get(
    '/api/approvals',
    {
      schema: {
        tags: ['approvals'],
        summary: "Trainees' replies waiting for a lead's approval, oldest first (leads and admins)",
        response: { 200: pendingApprovalListSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      if (!canReview(session)) {
        throw new AppError('approval.forbidden', 'forbidden', 'Only leads and admins review replies.');
      }
      return listPendingApprovals(deps.db, session.workspaceId);
    },
  );

  app.post(
    '/api/approvals/:messageId/approve',
    {
      schema: {
        tags: ['approvals'],
        summary:
          'Approve a reply, optionally edited: it goes to the outbox (409 reply.already_answered unless confirm; ' +
          '422 reply.personal_data unless confirmPersonalData)',
        params: messageParams,
        body: approveRequestSchema,
        response: { 200: messageSchema, 422: apiErrorSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const context = request.body.confirmPersonalData ? await auditContextOf(deps.db, request) : undefined;
      return approveReply(deps, session, request.params.messageId, request.body, context);
    },
  );

  app.post(
    '/api/approvals/:messageId/reject',
    {
      schema: {
        tags: ['approvals'],
        summary: 'Reject a reply with a comment for its author; it is never sent',
        params: messageParams,
        body: rejectRequestSchema,
        response: { 200: messageSchema, ...errors },
      },
    },
    async (request) => rejectReply(deps, requireAuth(request), request.params.messageId, request.body),
  );
}
