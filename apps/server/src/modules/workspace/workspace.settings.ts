import { caseSettingsSchema, type CaseSettings } from '@guichet/contracts';
import type { z } from 'zod';
import type { DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';

/** Case handling settings live under `cases` in the workspace's settings JSON; other keys are left alone. */
export async function readCaseSettings(db: DbOrTx, workspaceId: string): Promise<CaseSettings> {
  const row = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  const stored = parseJson<Record<string, unknown>>(row?.settings, {});
  const parsed = caseSettingsSchema.safeParse(stored.cases ?? {});
  return parsed.success ? parsed.data : caseSettingsSchema.parse({});
}

/** Fields left out keep their defaults (a caller written before a setting existed still writes a whole object). */
export async function writeCaseSettings(
  db: DbOrTx,
  workspaceId: string,
  settings: z.input<typeof caseSettingsSchema>,
): Promise<void> {
  const row = await db
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const all = parseJson<Record<string, unknown>>(row.settings, {});
  all.cases = caseSettingsSchema.parse(settings) satisfies CaseSettings;
  await db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(all) })
    .where('id', '=', workspaceId)
    .execute();
}
