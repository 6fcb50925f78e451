import type { ContactProfile } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { listNotes } from '../cases/cases.repository.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Everything the contact panel shows: profile per network, tags, notes, and every case, newest first. */
export async function findContactProfile(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<ContactProfile | null> {
  const contact = await db
    .selectFrom('contacts')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (!contact) return null;
  const identities = await db
    .selectFrom('identities')
    .select(['network', 'handle', 'name', 'avatar_url', 'description', 'followers_count', 'verified'])
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .execute();
  const tags = await db
    .selectFrom('contact_tags')
    .innerJoin('tags', 'tags.id', 'contact_tags.tag_id')
    .select(['tags.id', 'tags.name', 'tags.color'])
    .where('contact_tags.contact_id', '=', contactId)
    .orderBy('tags.name')
    .execute();
  const cases = await db
    .selectFrom('cases')
    .select(['id', 'status', 'preview', 'opened_at', 'last_message_at'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('last_message_at', 'desc')
    .limit(100)
    .execute();
  return {
    id: contact.id,
    name: contact.name,
    identities: identities.map((identity) => ({
      network: identity.network,
      handle: identity.handle,
      name: identity.name,
      avatarUrl: identity.avatar_url,
      bio: identity.description,
      followersCount: identity.followers_count,
      verified: identity.verified === 1,
    })),
    tags,
    notes: await listNotes(db, { contactId }),
    cases: cases.map((row) => ({
      id: row.id,
      status: row.status,
      preview: row.preview,
      openedAt: iso(row.opened_at),
      lastMessageAt: iso(row.last_message_at),
    })),
  };
}
