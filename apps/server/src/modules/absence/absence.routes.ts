import { absenceOverviewSchema, apiErrorSchema, createAbsenceRequestSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { createAbsence, endAbsence, startAbsenceNow } from './absence.commands.ts';
import { activePeriod, listPeriods } from './absence.repository.ts';

const writeErrors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };
const params = z.object({ id: z.string().min(1).max(64) });

async function overview(db: Db, workspaceId: string) {
  const periods = await listPeriods(db, workspaceId);
  const active = await activePeriod(db, workspaceId);
  return { active: periods.find((p) => p.id === active?.id) ?? null, periods };
}

/** Away periods (F20): everyone sees the status; leads and admins plan, start and end them. */
export function registerAbsenceRoutes(app: HttpApp, deps: { db: Db; clock: Clock; realtime: RealtimeBus }): void {
  const changed = (workspaceId: string) =>
    deps.realtime.publish(workspaceId, { type: 'absence.changed', updatedAt: deps.clock.now().toISOString() });

  app.get(
    '/api/absence',
    {
      schema: {
        tags: ['absence'],
        summary: 'The away period under way (if any) and the planned and past ones',
        response: { 200: absenceOverviewSchema },
      },
    },
    async (request) => overview(deps.db, requireAuth(request).workspaceId),
  );

  app.post(
    '/api/absence',
    {
      schema: {
        tags: ['absence'],
        summary: 'Plan an away period, or start one now when no start time is given (leads and admins)',
        body: createAbsenceRequestSchema,
        response: { 201: absenceOverviewSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin', 'lead']);
      await createAbsence(deps, session, request.body, await auditContextOf(deps.db, request));
      changed(session.workspaceId);
      return reply.status(201).send(await overview(deps.db, session.workspaceId));
    },
  );

  app.post(
    '/api/absence/:id/start',
    {
      schema: {
        tags: ['absence'],
        summary: 'Start a planned away period now (leads and admins)',
        params,
        response: { 200: absenceOverviewSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      await startAbsenceNow(deps, session, request.params.id, await auditContextOf(deps.db, request));
      changed(session.workspaceId);
      return overview(deps.db, session.workspaceId);
    },
  );

  app.post(
    '/api/absence/:id/end',
    {
      schema: {
        tags: ['absence'],
        summary: 'End an away period now, or cancel a planned one (leads and admins)',
        params,
        response: { 200: absenceOverviewSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      await endAbsence(deps, session, request.params.id, await auditContextOf(deps.db, request));
      changed(session.workspaceId);
      return overview(deps.db, session.workspaceId);
    },
  );
}
