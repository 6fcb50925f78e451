import { upsertIdentities } from '../../../contacts/contacts.repository.ts';
import type { PageContext } from '../page.ts';

/** Stage 4 — contacts: each author's contact and network identity, created on first sight, profile refreshed. */
export async function resolveContacts(ctx: PageContext): Promise<void> {
  ctx.identities = await upsertIdentities(ctx.tx, {
    workspaceId: ctx.channel.workspace_id,
    network: ctx.channel.network,
    accounts: ctx.items.map((i) => i.author),
    now: ctx.now,
  });
}
