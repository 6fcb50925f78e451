import type { Note } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { ensureTag } from '../tags/tags.repository.ts';

export interface ContactDeps {
  db: Db;
  clock: Clock;
  realtime: RealtimeBus;
}

async function requireContact(deps: ContactDeps, workspaceId: string, contactId: string) {
  const contact = await deps.db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) throw new AppError('contact.not_found', 'not_found', 'This contact does not exist.');
}

/** The contact's cases refetch their panel: realtime speaks of cases, not contacts. */
async function announce(deps: ContactDeps, workspaceId: string, contactId: string, now: number) {
  const cases = await deps.db.selectFrom('cases').select('id').where('contact_id', '=', contactId).execute();
  const updatedAt = new Date(now).toISOString();
  for (const row of cases) deps.realtime.publish(workspaceId, { type: 'case.changed', caseId: row.id, updatedAt });
}

export async function addContactNote(
  deps: ContactDeps,
  session: AuthenticatedSession,
  contactId: string,
  body: string,
): Promise<Note> {
  await requireContact(deps, session.workspaceId, contactId);
  const now = deps.clock.now().getTime();
  const id = newId(now);
  await deps.db
    .insertInto('notes')
    .values({
      id,
      workspace_id: session.workspaceId,
      case_id: null,
      contact_id: contactId,
      agent_id: session.agentId,
      body,
      created_at: now,
    })
    .execute();
  const agent = await deps.db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('id', '=', session.agentId)
    .executeTakeFirstOrThrow();
  await announce(deps, session.workspaceId, contactId, now);
  return { id, body, author: agent, createdAt: new Date(now).toISOString() };
}

export async function addContactTag(deps: ContactDeps, session: AuthenticatedSession, contactId: string, name: string) {
  await requireContact(deps, session.workspaceId, contactId);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    const tag = await ensureTag(tx, session.workspaceId, name, now);
    const already = await tx
      .selectFrom('contact_tags')
      .select('tag_id')
      .where('contact_id', '=', contactId)
      .where('tag_id', '=', tag.id)
      .executeTakeFirst();
    if (!already) await tx.insertInto('contact_tags').values({ contact_id: contactId, tag_id: tag.id }).execute();
  });
  await announce(deps, session.workspaceId, contactId, now);
}

export async function removeContactTag(
  deps: ContactDeps,
  session: AuthenticatedSession,
  contactId: string,
  tagId: string,
) {
  await requireContact(deps, session.workspaceId, contactId);
  await deps.db.deleteFrom('contact_tags').where('contact_id', '=', contactId).where('tag_id', '=', tagId).execute();
  await announce(deps, session.workspaceId, contactId, deps.clock.now().getTime());
}
