import { helpTriageAnswerSchema, triageCorrectionRequestSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { activateModel } from './triage.activate.ts';
import { correctCaseTriage, readCaseTriage, requestRetrain } from './triage.commands.ts';
import { answerHelpTriage, helpTriageQueue } from './triage.help-queue.ts';
import { listTriageModels } from './triage.queries.ts';

const caseParams = z.object({ caseId: z.string().min(1).max(100) });
const LEADS = ['admin', 'lead'] as const;

/**
 * Agents correct a case's type and priority (each correction is a training label); leads retrain the
 * workspace's model from those labels, compare it with the one in use, and switch (or switch back).
 */
export function registerTriageRoutes(
  app: HttpApp,
  deps: { db: Db; clock: Clock; jobs: JobQueue; realtime: RealtimeBus },
): void {
  app.get(
    '/api/cases/:caseId/triage',
    { schema: { tags: ['triage'], summary: "A case's type, priority and reason", params: caseParams } },
    async (request) => readCaseTriage(deps.db, requireAuth(request).workspaceId, request.params.caseId),
  );

  app.post(
    '/api/cases/:caseId/triage',
    {
      schema: {
        tags: ['triage'],
        summary: "Correct a case's type and/or priority; each change becomes a training label",
        params: caseParams,
        body: triageCorrectionRequestSchema,
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const result = await correctCaseTriage(deps, {
        workspaceId: session.workspaceId,
        caseId: request.params.caseId,
        agentId: session.agentId,
        correction: request.body,
      });
      if (result.labels > 0) {
        deps.realtime.publish(session.workspaceId, {
          type: 'case.changed',
          caseId: request.params.caseId,
          updatedAt: deps.clock.now().toISOString(),
        });
      }
      return result.triage;
    },
  );

  app.get(
    '/api/triage/help-queue',
    { schema: { tags: ['triage'], summary: 'Recent customer posts the model is least sure about, to label' } },
    async (request) => helpTriageQueue(deps, requireAuth(request).workspaceId),
  );

  app.post(
    '/api/triage/help-queue/answers',
    {
      schema: {
        tags: ['triage'],
        summary: 'Answer one post of the help-triage queue with its type (a label)',
        body: helpTriageAnswerSchema,
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      await answerHelpTriage(deps, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        messageId: request.body.messageId,
        type: request.body.type,
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/triage/models',
    { schema: { tags: ['triage'], summary: 'Workspace models, the active one, and the labels so far (leads)' } },
    async (request) => listTriageModels(deps.db, requireRole(request, [...LEADS]).workspaceId),
  );

  app.post(
    '/api/triage/models',
    {
      schema: {
        tags: ['triage'],
        summary: "Retrain the workspace's type model from the shipped data and the agents' corrections (leads)",
      },
    },
    async (request, reply) => {
      const session = requireRole(request, [...LEADS]);
      const id = await requestRetrain(
        deps,
        { workspaceId: session.workspaceId, agentId: session.agentId },
        await auditContextOf(deps.db, request),
      );
      return reply.code(202).send({ id });
    },
  );

  app.put(
    '/api/triage/active-model',
    {
      schema: {
        tags: ['triage'],
        summary: 'Switch ingestion to a trained model, or back to the shipped one with null (leads)',
        body: z.object({ modelId: z.string().min(1).max(100).nullable() }),
      },
    },
    async (request) => {
      const session = requireRole(request, [...LEADS]);
      await activateModel(
        deps,
        { workspaceId: session.workspaceId, agentId: session.agentId, modelId: request.body.modelId },
        await auditContextOf(deps.db, request),
      );
      return listTriageModels(deps.db, session.workspaceId);
    },
  );
}
