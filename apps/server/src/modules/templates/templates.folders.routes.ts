import {
  apiErrorSchema,
  applyMacroRequestSchema,
  applyMacroResultSchema,
  moveTemplateRequestSchema,
  saveTemplateFolderRequestSchema,
  starterLibraryResultSchema,
  templateFolderListSchema,
  templateFolderSchema,
  templateSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { newId } from '../../platform/ids.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import type { WorkflowDeps } from '../cases/cases.workflow.ts';
import { requireLead } from './templates.access.ts';
import { applyMacro, planMacro } from './templates.macros.ts';
import { requireFolder, toTemplate } from './templates.repository.ts';
import { importStarterLibrary } from './templates.starter.ts';

const folderParams = z.object({ folderId: z.string().min(1).max(100) });
const templateParams = z.object({ templateId: z.string().min(1).max(100) });
const macroParams = z.object({ caseId: z.string().min(1).max(100), templateId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

async function refuseTakenName(db: DbOrTx, workspaceId: string, name: string, exceptId?: string) {
  let q = db
    .selectFrom('template_folders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) {
    throw new AppError('template.folder_name_taken', 'conflict', 'Another folder already has this name.');
  }
}

/** Folders of saved replies, moving a reply between them, applying a macro, and the starter library. */
export function registerTemplateFolderRoutes(app: HttpApp, deps: WorkflowDeps): void {
  app.get(
    '/api/template-folders',
    {
      schema: {
        tags: ['templates'],
        summary: 'Folders of saved replies, by name',
        response: { 200: templateFolderListSchema },
      },
    },
    async (request) => ({
      folders: await deps.db
        .selectFrom('template_folders')
        .select(['id', 'name'])
        .where('workspace_id', '=', requireAuth(request).workspaceId)
        .orderBy('name')
        .execute(),
    }),
  );

  app.post(
    '/api/template-folders',
    {
      schema: {
        tags: ['templates'],
        summary: 'Create a folder of saved replies (leads and admins)',
        body: saveTemplateFolderRequestSchema,
        response: { 201: templateFolderSchema, ...errors },
      },
    },
    async (request, reply) => {
      const session = requireLead(request);
      await refuseTakenName(deps.db, session.workspaceId, request.body.name);
      const now = deps.clock.now().getTime();
      const folder = { id: newId(now), name: request.body.name };
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('template_folders')
          .values({ ...folder, workspace_id: session.workspaceId, created_at: now, updated_at: now })
          .execute();
        await audit(tx, context, 'template_folder.created', now, {
          subject: { type: 'template_folder', id: folder.id },
          after: request.body,
        });
      });
      return reply.status(201).send(folder);
    },
  );

  app.put(
    '/api/template-folders/:folderId',
    {
      schema: {
        tags: ['templates'],
        summary: 'Rename a folder (leads and admins)',
        params: folderParams,
        body: saveTemplateFolderRequestSchema,
        response: { 200: templateFolderSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireLead(request);
      const { folderId } = request.params;
      await requireFolder(deps.db, session.workspaceId, folderId);
      await refuseTakenName(deps.db, session.workspaceId, request.body.name, folderId);
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await tx
          .selectFrom('template_folders')
          .select('name')
          .where('id', '=', folderId)
          .executeTakeFirst();
        await tx
          .updateTable('template_folders')
          .set({ name: request.body.name, updated_at: now })
          .where('id', '=', folderId)
          .execute();
        await audit(tx, context, 'template_folder.renamed', now, {
          subject: { type: 'template_folder', id: folderId },
          before,
          after: request.body,
        });
      });
      return { id: folderId, name: request.body.name };
    },
  );

  app.delete(
    '/api/template-folders/:folderId',
    {
      schema: {
        tags: ['templates'],
        summary: 'Delete a folder; its saved replies stay, outside any folder (leads and admins)',
        params: folderParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const session = requireLead(request);
      const { folderId } = request.params;
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const before = await tx
          .selectFrom('template_folders')
          .select('name')
          .where('workspace_id', '=', session.workspaceId)
          .where('id', '=', folderId)
          .executeTakeFirst();
        if (!before) return;
        await tx
          .updateTable('templates')
          .set({ folder_id: null })
          .where('workspace_id', '=', session.workspaceId)
          .where('folder_id', '=', folderId)
          .execute();
        await tx.deleteFrom('template_folders').where('id', '=', folderId).execute();
        await audit(tx, context, 'template_folder.deleted', now, {
          subject: { type: 'template_folder', id: folderId },
          before,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/templates/:templateId/folder',
    {
      schema: {
        tags: ['templates'],
        summary: 'Move a saved reply to a folder, or out of any (null) (leads and admins)',
        params: templateParams,
        body: moveTemplateRequestSchema,
        response: { 200: templateSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireLead(request);
      const { templateId } = request.params;
      const { folderId } = request.body;
      if (folderId) await requireFolder(deps.db, session.workspaceId, folderId);
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      const row = await deps.db.transaction().execute(async (tx) => {
        const before = await tx
          .selectFrom('templates')
          .selectAll()
          .where('workspace_id', '=', session.workspaceId)
          .where('id', '=', templateId)
          .executeTakeFirst();
        if (!before) throw new AppError('template.not_found', 'not_found', 'This saved reply does not exist.');
        await tx
          .updateTable('templates')
          .set({ folder_id: folderId, updated_at: now })
          .where('id', '=', templateId)
          .execute();
        await audit(tx, context, 'template.moved', now, {
          subject: { type: 'template', id: templateId },
          before: { folderId: before.folder_id },
          after: { folderId },
        });
        return { ...before, folder_id: folderId, updated_at: now };
      });
      return toTemplate(row);
    },
  );

  app.post(
    '/api/cases/:caseId/macros/:templateId',
    {
      schema: {
        tags: ['templates'],
        summary: "Apply a saved reply's effects (tags, status, priority, assignee) to a case, once per key",
        params: macroParams,
        body: applyMacroRequestSchema,
        response: { 200: applyMacroResultSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const plan = await planMacro(deps.db, session, request.params.templateId);
      if (!plan) throw new AppError('macro.no_effects', 'invalid', 'This saved reply does not change the case.');
      const context = await auditContextOf(deps.db, request);
      return applyMacro(deps, session, request.params.caseId, plan, `apply:${request.body.key}`, context);
    },
  );

  app.post(
    '/api/templates/starter-library',
    {
      schema: {
        tags: ['templates'],
        summary: 'Add the starter library (fr and en) to the saved replies; importing again adds nothing',
        body: z.object({ folderName: z.string().trim().min(1).max(60) }),
        response: { 200: starterLibraryResultSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireLead(request);
      const now = deps.clock.now().getTime();
      const context = await auditContextOf(deps.db, request);
      return deps.db.transaction().execute(async (tx) => {
        const result = await importStarterLibrary(tx, {
          workspaceId: session.workspaceId,
          agentId: session.agentId,
          folderName: request.body.folderName,
          now,
        });
        if (result.added.length > 0) {
          await audit(tx, context, 'template.starter_imported', now, {
            subject: { type: 'workspace', id: session.workspaceId },
            after: { added: result.added },
          });
        }
        return { added: result.added.length, kept: result.kept };
      });
    },
  );
}
