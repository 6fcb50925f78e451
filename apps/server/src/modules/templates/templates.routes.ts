import {
  apiErrorSchema,
  replySettingsSchema,
  saveTemplateRequestSchema,
  templateListSchema,
  templateSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { WorkflowDeps } from '../cases/cases.workflow.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { newId } from '../../platform/ids.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import {
  listTemplates,
  readReplySettings,
  templateColumns,
  toTemplate,
  writeReplySettings,
} from './templates.repository.ts';
import { requireLead } from './templates.access.ts';
import { registerTemplateFolderRoutes } from './templates.folders.routes.ts';

const templateParams = z.object({ templateId: z.string().min(1).max(100) });
const writeErrors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

/** Saved replies: everyone uses them, leads and admins write them. */
export function registerTemplateRoutes(app: HttpApp, deps: WorkflowDeps): void {
  registerTemplateFolderRoutes(app, deps);
  const shortcutTaken = async (workspaceId: string, shortcut: string, exceptId?: string) => {
    let q = deps.db
      .selectFrom('templates')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('shortcut', '=', shortcut);
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) {
      throw new AppError('template.shortcut_taken', 'conflict', 'Another saved reply already uses this shortcut.');
    }
  };

  app.get(
    '/api/templates',
    { schema: { tags: ['templates'], summary: 'Saved replies, by shortcut', response: { 200: templateListSchema } } },
    async (request) => ({ templates: await listTemplates(deps.db, requireAuth(request).workspaceId) }),
  );

  app.post(
    '/api/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'Create a saved reply (leads and admins)',
        body: saveTemplateRequestSchema,
        response: { 201: templateSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const session = requireLead(request);
      await shortcutTaken(session.workspaceId, request.body.shortcut);
      const now = deps.clock.now().getTime();
      const row = {
        id: newId(now),
        workspace_id: session.workspaceId,
        ...(await templateColumns(deps.db, session.workspaceId, request.body)),
        starter_key: null,
        created_by: session.agentId,
        created_at: now,
        updated_at: now,
      };
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await tx.insertInto('templates').values(row).execute();
        await audit(tx, context, 'template.created', now, {
          subject: { type: 'template', id: row.id },
          after: request.body,
        });
      });
      return reply.status(201).send(toTemplate(row));
    },
  );

  app.put(
    '/api/templates/:templateId',
    {
      schema: {
        tags: ['templates'],
        summary: 'Change a saved reply (leads and admins)',
        params: templateParams,
        body: saveTemplateRequestSchema,
        response: { 200: templateSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireLead(request);
      await shortcutTaken(session.workspaceId, request.body.shortcut, request.params.templateId);
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await tx
          .selectFrom('templates')
          .select(['name', 'shortcut', 'language', 'body', 'folder_id', 'effects'])
          .where('workspace_id', '=', session.workspaceId)
          .where('id', '=', request.params.templateId)
          .executeTakeFirst();
        if (!before) throw new AppError('template.not_found', 'not_found', 'This saved reply does not exist.');
        await tx
          .updateTable('templates')
          .set({ ...(await templateColumns(tx, session.workspaceId, request.body)), updated_at: now })
          .where('id', '=', request.params.templateId)
          .execute();
        await audit(tx, context, 'template.updated', now, {
          subject: { type: 'template', id: request.params.templateId },
          before,
          after: request.body,
        });
      });
      const row = await deps.db
        .selectFrom('templates')
        .selectAll()
        .where('id', '=', request.params.templateId)
        .executeTakeFirstOrThrow();
      return toTemplate(row);
    },
  );

  app.delete(
    '/api/templates/:templateId',
    {
      schema: {
        tags: ['templates'],
        summary: 'Delete a saved reply (leads and admins)',
        params: templateParams,
        response: { 204: z.null(), ...writeErrors },
      },
    },
    async (request, reply) => {
      const session = requireLead(request);
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await tx
          .selectFrom('templates')
          .select(['name', 'shortcut', 'language', 'body'])
          .where('workspace_id', '=', session.workspaceId)
          .where('id', '=', request.params.templateId)
          .executeTakeFirst();
        if (!before) return;
        await tx.deleteFrom('templates').where('id', '=', request.params.templateId).execute();
        await audit(tx, context, 'template.deleted', deps.clock.now().getTime(), {
          subject: { type: 'template', id: request.params.templateId },
          before,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/reply-settings',
    {
      schema: {
        tags: ['templates'],
        summary: 'Time zone for greetings, help-centre link, support email and phone used by saved replies',
        response: { 200: replySettingsSchema },
      },
    },
    async (request) => readReplySettings(deps.db, requireAuth(request).workspaceId),
  );

  app.put(
    '/api/reply-settings',
    {
      schema: {
        tags: ['templates'],
        summary: 'Change the reply settings (leads and admins)',
        body: replySettingsSchema,
        response: { 200: replySettingsSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requireLead(request);
      try {
        new Intl.DateTimeFormat('en', { timeZone: request.body.timeZone });
      } catch {
        throw new AppError('settings.invalid_time_zone', 'invalid', 'Unknown time zone.');
      }
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await readReplySettings(tx, session.workspaceId);
        await writeReplySettings(tx, session.workspaceId, request.body);
        await audit(tx, context, 'reply_settings.changed', deps.clock.now().getTime(), {
          subject: { type: 'workspace', id: session.workspaceId },
          before,
          after: request.body,
        });
      });
      return readReplySettings(deps.db, session.workspaceId);
    },
  );
}
