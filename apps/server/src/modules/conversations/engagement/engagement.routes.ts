import { apiErrorSchema, engageRequestSchema, engagementSchema, rejectRequestSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { HttpApp } from '../../../platform/http/http-app.ts';
import { requireAuth } from '../../auth/auth.routes.ts';
import { decideEngagement, requestEngagement, type EngagementDeps } from './engagement.commands.ts';

const messageParams = z.object({ messageId: z.string().min(1).max(100) });
const engagementParams = z.object({ engagementId: z.string().min(1).max(100) });
const decisionErrors = { 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

/** Like / repost a customer's public post from the case (F16). */
export function registerEngagementRoutes(app: HttpApp, deps: EngagementDeps): void {
  app.post(
    '/api/messages/:messageId/engagements',
    {
      schema: {
        tags: ['cases'],
        summary: "Like or repost a customer's public post; once per post and kind (202 queued, 200 already there)",
        params: messageParams,
        body: engageRequestSchema,
        response: { 200: engagementSchema, 202: engagementSchema, 400: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const { engagement, created } = await requestEngagement(
        deps,
        requireAuth(request),
        request.params.messageId,
        request.body.kind,
      );
      return reply.status(created ? 202 : 200).send(engagement);
    },
  );

  app.post(
    '/api/engagements/:engagementId/approve',
    {
      schema: {
        tags: ['approvals'],
        summary: "Approve a trainee's like or repost: it goes to the outbox (leads and admins)",
        params: engagementParams,
        response: { 200: engagementSchema, ...decisionErrors },
      },
    },
    async (request) => decideEngagement(deps, requireAuth(request), request.params.engagementId, { approve: true }),
  );

  app.post(
    '/api/engagements/:engagementId/reject',
    {
      schema: {
        tags: ['approvals'],
        summary: "Reject a trainee's like or repost with a comment for them; it never goes out",
        params: engagementParams,
        body: rejectRequestSchema,
        response: { 200: engagementSchema, ...decisionErrors },
      },
    },
    async (request) =>
      decideEngagement(deps, requireAuth(request), request.params.engagementId, {
        approve: false,
        comment: request.body.comment,
      }),
  );
}
