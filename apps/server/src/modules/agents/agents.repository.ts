import type { DbOrTx } from '../../platform/db/database.ts';
import type { NewRow } from '../../platform/db/schema.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findAgentByEmail(db: DbOrTx, email: string) {
  return db.selectFrom('agents').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export function findAgentById(db: DbOrTx, id: string) {
  return db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAgent(db: DbOrTx, row: NewRow<'agents'>): Promise<void> {
  await db.insertInto('agents').values(row).execute();
}

export function firstWorkspace(db: DbOrTx) {
  return db.selectFrom('workspaces').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
}
