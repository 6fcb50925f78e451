import type { NetworkAccount } from '@guichet/connectors';
import type { DbOrTx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

export interface ResolvedIdentity {
  identityId: string;
  contactId: string;
}

/**
 * Finds the contact behind a network account, creating both on first sight, and refreshes the profile
 * fields the network just told us (handle and name change; followers move).
 */
export async function upsertIdentity(
  db: DbOrTx,
  input: { workspaceId: string; network: 'x' | 'bluesky' | 'mastodon'; account: NetworkAccount; now: number },
): Promise<ResolvedIdentity> {
  const { account, now } = input;
  const existing = await db
    .selectFrom('identities')
    .select(['id', 'contact_id', 'handle', 'name', 'avatar_url', 'followers_count', 'verified', 'description'])
    .where('workspace_id', '=', input.workspaceId)
    .where('network', '=', input.network)
    .where('external_id', '=', account.externalId)
    .executeTakeFirst();
  const profile = {
    handle: account.handle,
    name: account.name || account.handle,
    avatar_url: account.avatarUrl ?? existing?.avatar_url ?? null,
    description: account.description ?? existing?.description ?? null,
    followers_count: account.followersCount ?? existing?.followers_count ?? null,
    verified: account.verified === undefined ? (existing?.verified ?? 0) : account.verified ? 1 : 0,
  };
  if (existing) {
    const changed = (Object.keys(profile) as (keyof typeof profile)[]).some((k) => profile[k] !== existing[k]);
    if (changed) {
      await db
        .updateTable('identities')
        .set({ ...profile, updated_at: now })
        .where('id', '=', existing.id)
        .execute();
    }
    return { identityId: existing.id, contactId: existing.contact_id };
  }
  const contactId = newId(now);
  const identityId = newId(now);
  await db
    .insertInto('contacts')
    .values({ id: contactId, workspace_id: input.workspaceId, name: profile.name, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('identities')
    .values({
      id: identityId,
      workspace_id: input.workspaceId,
      contact_id: contactId,
      network: input.network,
      external_id: account.externalId,
      ...profile,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { identityId, contactId };
}
