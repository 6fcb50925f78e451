import { apiErrorSchema, engageRequestSchema, engagementSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { HttpApp } from '../../../platform/http/http-app.ts';
import { requireAuth } from '../../auth/auth.routes.ts';
import { requestEngagement, type EngagementDeps } from './engagement.commands.ts';

const messageParams = z.object({ messageId: z.string().min(1).max(100) });

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
}
