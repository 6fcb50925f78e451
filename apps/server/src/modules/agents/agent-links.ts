import { randomBytes } from 'node:crypto';
import type { PasswordLink, PasswordLinkKind } from '@guichet/contracts';
import type { ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { hashToken } from '../auth/sessions.ts';

/** An invitation waits a week for its invitee; a reset link is for now, so it lasts a day. */
export const LINK_TTL_MS: Record<PasswordLinkKind, number> = {
  invite: 7 * 24 * 60 * 60_000,
  reset: 24 * 60 * 60_000,
};

const LINK_PATH: Record<PasswordLinkKind, string> = { invite: '/invite/', reset: '/reset-password/' };

/**
 * A new one-time link that sets the agent's password; any earlier unused link of theirs stops working, so
 * only the latest one the admin passed on is valid. Only the token's hash is stored.
 */
export async function issueLink(
  tx: DbOrTx,
  input: {
    workspaceId: string;
    agentId: string;
    kind: PasswordLinkKind;
    createdBy: string | null;
    now: number;
    publicUrl: string | undefined;
  },
): Promise<PasswordLink> {
  await expireUnusedLinks(tx, input.agentId, input.now);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = input.now + LINK_TTL_MS[input.kind];
  await tx
    .insertInto('agent_invitations')
    .values({
      id: newId(input.now),
      workspace_id: input.workspaceId,
      agent_id: input.agentId,
      kind: input.kind,
      token_hash: hashToken(token),
      created_by: input.createdBy,
      created_at: input.now,
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  const path = `${LINK_PATH[input.kind]}${token}`;
  return {
    kind: input.kind,
    path,
    url: input.publicUrl ? `${input.publicUrl}${path}` : null,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/** A link that can still be used: known, unused, not expired, for an agent who is not deactivated. */
export async function findUsableLink(db: DbOrTx, token: string, now: number) {
  const row = await db
    .selectFrom('agent_invitations')
    .innerJoin('agents', 'agents.id', 'agent_invitations.agent_id')
    .innerJoin('workspaces', 'workspaces.id', 'agent_invitations.workspace_id')
    .select([
      'agent_invitations.id as id',
      'agent_invitations.kind as kind',
      'agent_invitations.expires_at as expiresAt',
      'agent_invitations.used_at as usedAt',
      'agents.id as agentId',
      'agents.workspace_id as workspaceId',
      'agents.email as email',
      'agents.name as name',
      'agents.disabled_at as disabledAt',
      'workspaces.name as workspaceName',
    ])
    .where('agent_invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.usedAt !== null || row.expiresAt <= now || row.disabledAt !== null) return null;
  return row;
}

/**
 * Marks the link used (compare-and-set on `used_at`: false when another request used it first) and drops
 * the agent's other unused links, which were already expired.
 */
export async function consumeLink(tx: DbOrTx, link: { id: string; agentId: string }, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('agent_invitations')
    .set({ used_at: now })
    .where('id', '=', link.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await tx.deleteFrom('agent_invitations').where('agent_id', '=', link.agentId).where('used_at', 'is', null).execute();
  return true;
}

/**
 * Unused links of an agent stop working (a newer link, a deactivation). Expired rather than deleted: an
 * unused invitation is what says the agent has not joined yet.
 */
export async function expireUnusedLinks(tx: DbOrTx, agentId: string, now: number): Promise<void> {
  await tx
    .updateTable('agent_invitations')
    .set({ expires_at: now })
    .where('agent_id', '=', agentId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
}

/** Whether the agent has been invited and has not used an invitation yet (no password of their own). */
export async function isPendingInvitee(db: DbOrTx, agentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('agent_invitations')
    .select('id')
    .where('agent_id', '=', agentId)
    .where('kind', '=', 'invite')
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * In a query on `agents`: the agent was invited and has not joined yet (no password of their own), so they
 * can neither work a case nor count as an admin.
 */
export function hasPendingInvitation(eb: ExpressionBuilder<Database, 'agents'>) {
  return eb.exists(
    eb
      .selectFrom('agent_invitations')
      .select('agent_invitations.id')
      .whereRef('agent_invitations.agent_id', '=', 'agents.id')
      .where('agent_invitations.kind', '=', 'invite')
      .where('agent_invitations.used_at', 'is', null),
  );
}
