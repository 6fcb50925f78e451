import type { NetworkAccount } from '@guichet/connectors';
import { sql } from 'kysely';
import { insertRows } from '../../platform/db/bulk-insert.ts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { selectByKeys } from '../../platform/db/key-lookup.ts';
import type { NewRow, Row } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { withoutNul } from '../../platform/nul.ts';

type IdentityRow = Pick<
  Row<'identities'>,
  | 'id'
  | 'contact_id'
  | 'external_id'
  | 'handle'
  | 'name'
  | 'avatar_url'
  | 'followers_count'
  | 'verified'
  | 'description'
>;

export interface ResolvedIdentity {
  identityId: string;
  contactId: string;
}

const CHUNK = 400;
/** Identities per multi-row UPDATE: 7 values each. */
const UPDATE_CHUNK = 200;

/** An account's strings, where a NUL becomes U+FFFD: PostgreSQL cannot store it (platform/nul.ts). */
const ACCOUNT_STRINGS = [
  'externalId',
  'handle',
  'name',
  'avatarUrl',
  'description',
] as const satisfies readonly (keyof NetworkAccount)[];

/**
 * Finds the contacts behind network accounts, creating contact + identity on first sight, and refreshes
 * the profile fields the network just told us (handles and names change; followers move). Set-based: one
 * lookup, one insert per table, and an update only for profiles that changed. The last occurrence of an
 * account in `accounts` wins.
 */
export async function upsertIdentities(
  db: DbOrTx,
  input: { workspaceId: string; network: 'x' | 'bluesky' | 'mastodon'; accounts: NetworkAccount[]; now: number },
): Promise<Map<string, ResolvedIdentity>> {
  const { now } = input;
  const latest = new Map<string, NetworkAccount>();
  // Every account the desk stores comes here: post authors, followers (signals), imported authors.
  for (const account of input.accounts) latest.set(account.externalId, withoutNul(account, ACCOUNT_STRINGS));
  const externalIds = [...latest.keys()];
  const resolved = new Map<string, ResolvedIdentity>();
  const existing: Awaited<ReturnType<typeof selectIdentities>> = [];
  for (let i = 0; i < externalIds.length; i += CHUNK) {
    existing.push(...(await selectIdentities(db, input.workspaceId, input.network, externalIds.slice(i, i + CHUNK))));
  }
  const byExternal = new Map(existing.map((row) => [row.external_id, row]));

  const changedProfiles: ChangedProfile[] = [];
  const newContacts: NewRow<'contacts'>[] = [];
  const newIdentities: NewRow<'identities'>[] = [];
  for (const [externalId, account] of latest) {
    const row = byExternal.get(externalId);
    const profile = {
      handle: account.handle,
      name: account.name || account.handle,
      avatar_url: account.avatarUrl ?? row?.avatar_url ?? null,
      description: account.description ?? row?.description ?? null,
      followers_count: account.followersCount ?? row?.followers_count ?? null,
      verified: account.verified === undefined ? (row?.verified ?? 0) : account.verified ? 1 : 0,
    };
    if (row) {
      resolved.set(externalId, { identityId: row.id, contactId: row.contact_id });
      const changed = (Object.keys(profile) as (keyof typeof profile)[]).some((k) => profile[k] !== row[k]);
      if (changed) changedProfiles.push({ id: row.id, ...profile, handleChanged: profile.handle !== row.handle });
      continue;
    }
    const contactId = newId(now);
    const identityId = newId(now);
    newContacts.push({
      id: contactId,
      workspace_id: input.workspaceId,
      name: profile.name,
      created_at: now,
      updated_at: now,
    });
    // Field by field: on Node 20, each property an object literal adds after a spread costs about a microsecond.
    newIdentities.push({
      id: identityId,
      workspace_id: input.workspaceId,
      contact_id: contactId,
      network: input.network,
      external_id: externalId,
      handle: profile.handle,
      name: profile.name,
      avatar_url: profile.avatar_url,
      description: profile.description,
      followers_count: profile.followers_count,
      verified: profile.verified,
      created_at: now,
      updated_at: now,
    });
    resolved.set(externalId, { identityId, contactId });
  }
  await updateProfiles(db, changedProfiles, now);
  // Without Kysely's node per value: a page of new authors is 18 values each.
  await insertRows(db, 'contacts', newContacts);
  await insertRows(db, 'identities', newIdentities);
  return resolved;
}

interface ChangedProfile {
  id: string;
  handle: string;
  name: string;
  avatar_url: string | null;
  description: string | null;
  followers_count: number | null;
  verified: number;
  handleChanged: boolean;
}

/**
 * Profiles the network reports changed (followers move all the time), in a few multi-row UPDATEs
 * (`with v(…) as (values …) update … from v`, the same on SQLite and PostgreSQL) instead of one per
 * identity. `handle` is only written where it changed: it is what the inbox search indexes.
 */
async function updateProfiles(db: DbOrTx, profiles: ChangedProfile[], now: number): Promise<void> {
  const text = (value: string | null) => sql`cast(${value} as text)`;
  const int = (value: number | null) => sql`cast(${value} as bigint)`;
  for (const handleChanged of [false, true]) {
    const group = profiles.filter((p) => p.handleChanged === handleChanged);
    for (let i = 0; i < group.length; i += UPDATE_CHUNK) {
      const rows = group
        .slice(i, i + UPDATE_CHUNK)
        .map(
          (p) =>
            sql`(${sql.join([
              text(p.id),
              text(p.handle),
              text(p.name),
              text(p.avatar_url),
              text(p.description),
              int(p.followers_count),
              int(p.verified),
            ])})`,
        );
      await sql`with v(id, handle, name, avatar_url, description, followers_count, verified) as (values ${sql.join(rows)})
        update identities set ${sql.raw(handleChanged ? 'handle = v.handle, ' : '')}name = v.name,
          avatar_url = v.avatar_url, description = v.description, followers_count = v.followers_count,
          verified = v.verified, updated_at = ${int(now)}
        from v where identities.id = v.id`.execute(db);
    }
  }
}

function selectIdentities(db: DbOrTx, workspaceId: string, network: string, externalIds: string[]) {
  return selectByKeys<'identities', IdentityRow>(db, {
    table: 'identities',
    columns: [
      'id',
      'contact_id',
      'external_id',
      'handle',
      'name',
      'avatar_url',
      'followers_count',
      'verified',
      'description',
    ],
    fixed: { workspace_id: workspaceId, network },
    column: 'external_id',
    keys: externalIds,
  });
}
