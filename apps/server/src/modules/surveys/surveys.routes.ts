import { apiErrorSchema, surveySettingsResponseSchema, surveySettingsSchema } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import { DEFAULT_SURVEY_TEMPLATES, readSurveySettings, writeSurveySettings } from './surveys.settings.ts';

/** The satisfaction survey's switch and question (F25): everyone reads, leads and admins write. */
export function registerSurveyRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/surveys/settings',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Whether resolved cases get a satisfaction DM, and its question in French and English',
        response: { 200: surveySettingsResponseSchema },
      },
    },
    async (request) => {
      const { settings } = await readSurveySettings(deps.db, requireAuth(request).workspaceId);
      return { settings, defaults: DEFAULT_SURVEY_TEMPLATES };
    },
  );

  app.put(
    '/api/surveys/settings',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Switch the satisfaction survey on or off and set its question (leads and admins)',
        body: surveySettingsSchema,
        response: { 200: surveySettingsResponseSchema, 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await audit(tx, context, 'survey.settings_changed', now, {
          subject: { type: 'workspace', id: session.workspaceId },
          before: (await readSurveySettings(tx, session.workspaceId)).settings,
          after: request.body,
        });
        await writeSurveySettings(tx, session.workspaceId, request.body, session.agentId, now);
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'survey.settings_changed',
            actor: { type: 'agent', id: session.agentId },
            payload: { enabled: request.body.enabled },
            occurredAt: now,
          },
        ]);
      });
      const { settings } = await readSurveySettings(deps.db, session.workspaceId);
      return { settings, defaults: DEFAULT_SURVEY_TEMPLATES };
    },
  );
}
