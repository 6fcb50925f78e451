import {
  apiErrorSchema,
  businessHoursSettingsSchema,
  saveBusinessHoursRequestSchema,
  slaAlertListSchema,
  slaPoliciesSchema,
} from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { readBusinessHours, writeBusinessHours } from '../business-hours/business-hours.repository.ts';
import { isValidTimeZone } from '../business-hours/business-time.ts';
import { recordEvents } from '../events/events.repository.ts';
import { readSlaPolicies, writeSlaPolicies } from './sla.policies.ts';
import { listSlaAlerts } from './sla.queries.ts';

const writeErrors = { 400: apiErrorSchema, 403: apiErrorSchema };

/** Business hours, SLA policies (leads and admins write them) and each agent's breach alerts. */
export function registerSlaRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/sla/hours',
    {
      schema: {
        tags: ['sla'],
        summary: "The workspace's business hours and holidays, and teams' own",
        response: { 200: businessHoursSettingsSchema },
      },
    },
    async (request) => readBusinessHours(deps.db, requireAuth(request).workspaceId),
  );

  app.put(
    '/api/sla/hours',
    {
      schema: {
        tags: ['sla'],
        summary: 'Set or clear the business hours of the workspace or of a team (leads and admins)',
        body: saveBusinessHoursRequestSchema,
        response: { 200: businessHoursSettingsSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const { teamId, hours } = request.body;
      if (hours && !isValidTimeZone(hours.timeZone)) {
        throw new AppError('sla.invalid_time_zone', 'invalid', 'Unknown time zone.');
      }
      if (teamId) {
        const team = await deps.db
          .selectFrom('teams')
          .select('id')
          .where('workspace_id', '=', session.workspaceId)
          .where('id', '=', teamId)
          .executeTakeFirst();
        if (!team) throw new AppError('team.not_found', 'invalid', 'No such team in this workspace.');
      }
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const all = await readBusinessHours(tx, session.workspaceId);
        const before = teamId ? (all.teams.find((t) => t.teamId === teamId)?.hours ?? null) : all.workspace;
        await audit(tx, context, 'business_hours.changed', now, {
          subject: teamId ? { type: 'team', id: teamId } : { type: 'workspace', id: session.workspaceId },
          before,
          after: hours,
        });
        await writeBusinessHours(
          tx,
          { workspaceId: session.workspaceId, teamId: teamId ?? null, agentId: session.agentId },
          hours,
          now,
        );
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'business_hours.changed',
            actor: { type: 'agent', id: session.agentId },
            payload: { teamId: teamId ?? null, cleared: hours === null, timeZone: hours?.timeZone ?? null },
            occurredAt: now,
          },
        ]);
      });
      return readBusinessHours(deps.db, session.workspaceId);
    },
  );

  app.get(
    '/api/sla/policies',
    {
      schema: {
        tags: ['sla'],
        summary: 'SLA targets per priority (first response, next response, resolution)',
        response: { 200: slaPoliciesSchema },
      },
    },
    async (request) => ({ policies: await readSlaPolicies(deps.db, requireAuth(request).workspaceId) }),
  );

  app.put(
    '/api/sla/policies',
    {
      schema: {
        tags: ['sla'],
        summary: 'Replace the SLA targets; they apply to clocks started from now on (leads and admins)',
        body: slaPoliciesSchema,
        response: { 200: slaPoliciesSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const priorities = new Set(request.body.policies.map((p) => p.priority));
      if (priorities.size !== 4) {
        throw new AppError('sla.invalid_policies', 'invalid', 'Give one policy for each priority, P1 to P4.');
      }
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await audit(tx, context, 'sla.policies_changed', now, {
          subject: { type: 'workspace', id: session.workspaceId },
          before: { policies: await readSlaPolicies(tx, session.workspaceId) },
          after: { policies: request.body.policies },
        });
        await writeSlaPolicies(tx, session.workspaceId, request.body.policies, session.agentId, now);
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'sla.policies_changed',
            actor: { type: 'agent', id: session.agentId },
            payload: { policies: request.body.policies },
            occurredAt: now,
          },
        ]);
      });
      return { policies: await readSlaPolicies(deps.db, session.workspaceId) };
    },
  );

  app.get(
    '/api/sla/alerts',
    {
      schema: {
        tags: ['sla'],
        summary: "The signed-in agent's breach alerts, latest first, with the unread count",
        response: { 200: slaAlertListSchema },
      },
    },
    async (request) => {
      const { workspaceId, agentId } = requireAuth(request);
      return listSlaAlerts(deps.db, workspaceId, agentId);
    },
  );

  app.post(
    '/api/sla/alerts/read',
    {
      schema: {
        tags: ['sla'],
        summary: "Mark the signed-in agent's alerts as read",
        response: { 200: slaAlertListSchema },
      },
    },
    async (request) => {
      const { workspaceId, agentId } = requireAuth(request);
      await deps.db
        .updateTable('sla_alerts')
        .set({ read_at: deps.clock.now().getTime() })
        .where('workspace_id', '=', workspaceId)
        .where('agent_id', '=', agentId)
        .where('read_at', 'is', null)
        .execute();
      return listSlaAlerts(deps.db, workspaceId, agentId);
    },
  );
}
