import { caseSettingsSchema } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import { readCaseSettings, writeCaseSettings } from './workspace.settings.ts';

export function registerWorkspaceRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/workspace/case-settings',
    {
      schema: {
        tags: ['workspace'],
        summary: 'How cases are opened and reopened',
        response: { 200: caseSettingsSchema },
      },
    },
    async (request) => readCaseSettings(deps.db, requireAuth(request).workspaceId),
  );

  app.put(
    '/api/workspace/case-settings',
    {
      schema: {
        tags: ['workspace'],
        summary: 'Change how cases are opened and reopened (leads and admins)',
        body: caseSettingsSchema,
        response: { 200: caseSettingsSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await readCaseSettings(tx, session.workspaceId);
        await writeCaseSettings(tx, session.workspaceId, request.body);
        await audit(tx, context, 'workspace.case_settings_changed', deps.clock.now().getTime(), {
          subject: { type: 'workspace', id: session.workspaceId },
          before,
          after: request.body,
        });
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'workspace.case_settings_changed',
            actor: { type: 'agent', id: session.agentId },
            payload: request.body,
            occurredAt: deps.clock.now().getTime(),
          },
        ]);
      });
      return request.body;
    },
  );
}
