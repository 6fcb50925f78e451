import { replySettingsSchema, type ReplySettings, type Template } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';

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
  };
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
