import {
  macroEffectsSchema,
  noMacroEffects,
  replySettingsSchema,
  type ReplySettings,
  type SaveTemplateRequest,
  type Template,
} from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { parseEffects } from './templates.macros.ts';

export const DEFAULT_REPLY_SETTINGS: ReplySettings = {
  timeZone: 'Europe/Paris',
  helpCenterUrl: null,
  supportEmail: null,
  supportPhone: null,
};

export function toTemplate(row: Row<'templates'>): Template {
  return {
    id: row.id,
    name: row.name,
    shortcut: row.shortcut,
    language: row.language,
    body: row.body,
    updatedAt: new Date(row.updated_at).toISOString(),
    folderId: row.folder_id ?? null,
    effects: parseEffects(row.effects ?? null),
  };
}

/** The stored columns of a saved reply from a request; the folder must be one of the workspace's. */
export async function templateColumns(db: DbOrTx, workspaceId: string, request: SaveTemplateRequest) {
  const folderId = request.folderId ?? null;
  if (folderId) await requireFolder(db, workspaceId, folderId);
  const effects = request.effects ? macroEffectsSchema.parse(request.effects) : null;
  return {
    name: request.name,
    shortcut: request.shortcut,
    language: request.language ?? null,
    body: request.body,
    folder_id: folderId,
    effects: noMacroEffects(effects) ? null : JSON.stringify(effects),
  };
}

export async function requireFolder(db: DbOrTx, workspaceId: string, folderId: string): Promise<void> {
  const folder = await db
    .selectFrom('template_folders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', folderId)
    .executeTakeFirst();
  if (!folder) throw new AppError('template.folder_not_found', 'not_found', 'This folder does not exist.');
}

export async function listTemplates(db: DbOrTx, workspaceId: string): Promise<Template[]> {
  const rows = await db
    .selectFrom('templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('shortcut')
    .execute();
  return rows.map(toTemplate);
}

function parseSettings(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Reply settings live under `replies` in the workspace's settings JSON; other keys are left alone. */
export async function readReplySettings(db: DbOrTx, workspaceId: string): Promise<ReplySettings> {
  const row = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  const stored = replySettingsSchema.partial().safeParse(parseSettings(row?.settings ?? '{}').replies ?? {});
  return { ...DEFAULT_REPLY_SETTINGS, ...(stored.success ? stored.data : {}) };
}

/** Read-modify-write of the settings JSON: call it inside the caller's transaction. */
export async function writeReplySettings(db: DbOrTx, workspaceId: string, settings: ReplySettings): Promise<void> {
  const row = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  const all = parseSettings(row?.settings ?? '{}');
  all.replies = settings;
  await db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(all) })
    .where('id', '=', workspaceId)
    .execute();
}
