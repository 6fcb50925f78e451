import type { Tag } from '@guichet/contracts';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

/** A workspace's tags by name, case-insensitively: "Refund" and "refund" are one tag. */
export async function ensureTag(tx: DbOrTx, workspaceId: string, name: string, now: number): Promise<Tag> {
  const clean = name.trim().replace(/\s+/g, ' ');
  const existing = await tx
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('workspace_id', '=', workspaceId)
    .where(sql`lower(name)`, '=', clean.toLowerCase())
    .executeTakeFirst();
  if (existing) return existing;
  const tag = { id: newId(now), name: clean, color: null };
  await tx
    .insertInto('tags')
    .values({ ...tag, workspace_id: workspaceId, created_at: now })
    .execute();
  return tag;
}

export function listTags(db: DbOrTx, workspaceId: string): Promise<Tag[]> {
  return db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

export function findTag(db: DbOrTx, workspaceId: string, tagId: string) {
  return db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', tagId)
    .executeTakeFirst();
}
