import { apiErrorSchema, presenceRequestSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { requireAuth } from '../auth/auth.routes.ts';

/**
 * Collision control: a tab says "viewing", "typing" or "left" here (and repeats itself every 15 s); the
 * bus fans it out to every socket of the workspace, where clients keep each agent's latest state until
 * it expires. Nothing is stored, so every web process can take these calls.
 */
export function registerPresenceRoutes(app: HttpApp, deps: { db: Db; clock: Clock; realtime: RealtimeBus }): void {
  app.post(
    '/api/cases/:caseId/presence',
    {
      schema: {
        tags: ['cases'],
        summary: 'Tell the other agents you view, type in or left this case',
        params: z.object({ caseId: z.string().min(1).max(100) }),
        body: presenceRequestSchema,
        response: { 204: z.null(), 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      const row = await deps.db
        .selectFrom('cases')
        .innerJoin('agents', (join) => join.on('agents.id', '=', session.agentId))
        .select(['cases.id as caseId', 'agents.name as agentName'])
        .where('cases.workspace_id', '=', session.workspaceId)
        .where('cases.id', '=', request.params.caseId)
        .executeTakeFirst();
      if (!row) throw new AppError('case.not_found', 'not_found', 'This case does not exist.');
      deps.realtime.publish(session.workspaceId, {
        type: 'presence',
        caseId: row.caseId,
        agent: { id: session.agentId, name: row.agentName },
        state: request.body.state,
        at: deps.clock.now().toISOString(),
      });
      return reply.status(204).send(null);
    },
  );
}
