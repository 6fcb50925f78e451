import { apiErrorSchema, timeSettingsResponseSchema, timeSettingsSchema } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import { validatePostText } from '../scheduled-posts/scheduled-posts.commands.ts';
import {
  DEFAULT_TIME_SETTINGS,
  readTimeSettings,
  renderTemplate,
  repeatsDaily,
  writeTimeSettings,
} from './time-settings.ts';

/** Texts of absences, greetings and the welcome DM (F20, F21): everyone reads, leads and admins write. */
export function registerGreetingsRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/time-settings',
    {
      schema: {
        tags: ['greetings'],
        summary: 'Status post and away message texts, greetings and the welcome DM',
        response: { 200: timeSettingsResponseSchema },
      },
    },
    async (request) => {
      const { settings } = await readTimeSettings(deps.db, requireAuth(request).workspaceId);
      return { settings, defaults: DEFAULT_TIME_SETTINGS };
    },
  );

  app.put(
    '/api/time-settings',
    {
      schema: {
        tags: ['greetings'],
        summary: 'Save the texts and switches of absences, greetings and the welcome DM (leads and admins)',
        body: timeSettingsSchema,
        response: { 200: timeSettingsResponseSchema, 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const settings = request.body;
      // Posts must fit on X once their variables are filled with the longest values they can take.
      const longest = {
        returnTime: 'mercredi 30 septembre à 23 h 30',
        note: '',
        openTime: '23 h 30',
        closeTime: '23 h 30',
        nextOpenTime: 'mercredi 30 septembre à 23 h 30',
      };
      for (const [field, template] of [
        ['absence.statusPostTemplate', settings.absence.statusPostTemplate],
        ['greetings.openTemplate', settings.greetings.openTemplate],
        ['greetings.closeTemplate', settings.greetings.closeTemplate],
      ] as const) {
        try {
          validatePostText(renderTemplate(template, longest));
        } catch (error) {
          if (error instanceof AppError) {
            throw new AppError('time_settings.post_too_long', 'invalid', `${field}: ${error.message}`, { field });
          }
          throw error;
        }
      }
      for (const [field, template] of [
        ['greetings.openTemplate', settings.greetings.openTemplate],
        ['greetings.closeTemplate', settings.greetings.closeTemplate],
      ] as const) {
        if (repeatsDaily(template)) {
          throw new AppError(
            'time_settings.greeting_repeats',
            'invalid',
            `${field}: X refuses a post identical to a recent one; include {{date}} or {{nextOpenTime}}.`,
            { field },
          );
        }
      }
      if (settings.greetings.channelIds.length > 0) {
        const found = await deps.db
          .selectFrom('channels')
          .select('id')
          .where('workspace_id', '=', session.workspaceId)
          .where('id', 'in', settings.greetings.channelIds)
          .execute();
        if (found.length !== new Set(settings.greetings.channelIds).size) {
          throw new AppError('channel.not_found', 'invalid', 'No such channel in this workspace.');
        }
      }
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await audit(tx, context, 'time_settings.changed', now, {
          subject: { type: 'workspace', id: session.workspaceId },
          before: (await readTimeSettings(tx, session.workspaceId)).settings,
          after: settings,
        });
        await writeTimeSettings(tx, session.workspaceId, settings, session.agentId, now);
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'time_settings.changed',
            actor: { type: 'agent', id: session.agentId },
            payload: { greetings: settings.greetings.enabled, welcome: settings.welcome.enabled },
            occurredAt: now,
          },
        ]);
      });
      return { settings, defaults: DEFAULT_TIME_SETTINGS };
    },
  );
}
