import type { MacroEffects } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

/**
 * The starter library: six saved replies in French and in English, drawn from the advice for customer
 * service on X (../shared/seeds): greet, show empathy and apologise, take personal matters to DMs, send
 * what X cannot solve to e-mail or phone, thank customers who praise the brand publicly, follow up on a
 * request in progress, use the customer's name and sign with the agent's first name. Each entry has a
 * stable key: importing twice adds nothing, and entries a lead edited or moved are left alone.
 */
export interface StarterEntry {
  key: string;
  language: 'fr' | 'en';
  shortcut: string;
  name: string;
  body: string;
  effects: MacroEffects | null;
}

const effects = (patch: Partial<MacroEffects>): MacroEffects => ({
  tags: [],
  status: null,
  priority: null,
  assignee: null,
  ...patch,
});

export const starterLibrary: readonly StarterEntry[] = [
  {
    key: 'greeting.fr',
    language: 'fr',
    shortcut: 'bonjour',
    name: 'Accueil',
    body: '{{greeting}} {{customer.firstName}}, merci de nous avoir écrit ! Je regarde votre demande et je reviens vers vous très vite. {{agent.firstName}}',
    effects: effects({ assignee: 'me' }),
  },
  {
    key: 'apology.fr',
    language: 'fr',
    shortcut: 'excuses',
    name: 'Excuses',
    body: '{{greeting}} {{customer.firstName}}, nous sommes sincèrement désolés pour ce désagrément. Nous comprenons votre agacement et nous faisons le nécessaire pour régler cela au plus vite. {{agent.firstName}}',
    effects: effects({ tags: ['réclamation'], assignee: 'me' }),
  },
  {
    key: 'move-to-dm.fr',
    language: 'fr',
    shortcut: 'mp',
    name: 'Passer en message privé',
    body: '{{greeting}} {{customer.firstName}}, pour protéger vos informations personnelles, pouvez-vous nous écrire en message privé ? Nous poursuivons l’échange là-bas. {{agent.firstName}}',
    effects: effects({ status: 'pending' }),
  },
  {
    key: 'redirect.fr',
    language: 'fr',
    shortcut: 'contact',
    name: 'Rediriger vers l’e-mail ou le téléphone',
    body: '{{greeting}} {{customer.firstName}}, cette demande ne peut pas se régler ici : écrivez-nous à {{support.email}} ou appelez le {{support.phone}}, nos équipes s’en occupent. {{agent.firstName}}',
    effects: effects({ tags: ['redirigé'], status: 'resolved' }),
  },
  {
    key: 'thanks.fr',
    language: 'fr',
    shortcut: 'merci',
    name: 'Remercier pour un compliment',
    body: 'Merci beaucoup {{customer.firstName}} pour ce message, toute l’équipe est ravie de le lire ! Très belle journée à vous. {{agent.firstName}}',
    effects: effects({ tags: ['compliment'], status: 'resolved' }),
  },
  {
    key: 'follow-up.fr',
    language: 'fr',
    shortcut: 'suivi',
    name: 'Relance',
    body: '{{greeting}} {{customer.firstName}}, nous revenons vers vous au sujet de votre demande : tout est-il rentré dans l’ordre de votre côté ? {{agent.firstName}}',
    effects: effects({ status: 'pending' }),
  },
  {
    key: 'greeting.en',
    language: 'en',
    shortcut: 'hello',
    name: 'Greeting',
    body: '{{greeting}} {{customer.firstName}}, thanks for reaching out! I am looking into your request and will get back to you shortly. {{agent.firstName}}',
    effects: effects({ assignee: 'me' }),
  },
  {
    key: 'apology.en',
    language: 'en',
    shortcut: 'sorry',
    name: 'Apology',
    body: '{{greeting}} {{customer.firstName}}, we are truly sorry for the trouble. We understand how frustrating this is and we are working to put it right as fast as we can. {{agent.firstName}}',
    effects: effects({ tags: ['complaint'], assignee: 'me' }),
  },
  {
    key: 'move-to-dm.en',
    language: 'en',
    shortcut: 'dm',
    name: 'Move to DM',
    body: '{{greeting}} {{customer.firstName}}, to keep your personal details safe, could you send us a direct message? We will carry on there. {{agent.firstName}}',
    effects: effects({ status: 'pending' }),
  },
  {
    key: 'redirect.en',
    language: 'en',
    shortcut: 'contact-us',
    name: 'Redirect to e-mail or phone',
    body: '{{greeting}} {{customer.firstName}}, we cannot sort this out here: please e-mail {{support.email}} or call {{support.phone}} and our team will take care of it. {{agent.firstName}}',
    effects: effects({ tags: ['redirected'], status: 'resolved' }),
  },
  {
    key: 'thanks.en',
    language: 'en',
    shortcut: 'thanks',
    name: 'Thanks for praise',
    body: 'Thank you so much {{customer.firstName}}, the whole team loved reading this! Have a great day. {{agent.firstName}}',
    effects: effects({ tags: ['praise'], status: 'resolved' }),
  },
  {
    key: 'follow-up.en',
    language: 'en',
    shortcut: 'followup',
    name: 'Follow-up',
    body: '{{greeting}} {{customer.firstName}}, we are following up on your request: is everything sorted on your side now? {{agent.firstName}}',
    effects: effects({ status: 'pending' }),
  },
];

/** A shortcut free in the workspace: the entry's own, else suffixed with its language; null when both are taken. */
async function freeShortcut(tx: DbOrTx, workspaceId: string, entry: StarterEntry): Promise<string | null> {
  for (const shortcut of [entry.shortcut, `${entry.shortcut}-${entry.language}`]) {
    const taken = await tx
      .selectFrom('templates')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('shortcut', '=', shortcut)
      .executeTakeFirst();
    if (!taken) return shortcut;
  }
  return null;
}

/** The folder the library goes into, found by name or created. */
async function starterFolder(tx: DbOrTx, workspaceId: string, name: string, now: number): Promise<string> {
  // A concurrent import creating the same folder: the second insert does nothing and reads the first's.
  await tx
    .insertInto('template_folders')
    .values({ id: newId(now), workspace_id: workspaceId, name, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .execute();
  const folder = await tx
    .selectFrom('template_folders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return folder.id;
}

/**
 * Adds the entries the workspace does not have yet (by key); call inside a transaction. Returns the keys
 * added; a concurrent import of the same entry is absorbed by the (workspace, key) unique index.
 */
export async function importStarterLibrary(
  tx: DbOrTx,
  input: { workspaceId: string; agentId: string | null; folderName: string; now: number },
): Promise<{ added: string[]; kept: number }> {
  const present = new Set(
    (
      await tx
        .selectFrom('templates')
        .select('starter_key')
        .where('workspace_id', '=', input.workspaceId)
        .where('starter_key', 'is not', null)
        .execute()
    ).map((row) => row.starter_key),
  );
  const missing = starterLibrary.filter((entry) => !present.has(entry.key));
  const added: string[] = [];
  if (missing.length === 0) return { added, kept: starterLibrary.length };
  const folderId = await starterFolder(tx, input.workspaceId, input.folderName, input.now);
  for (const entry of missing) {
    const shortcut = await freeShortcut(tx, input.workspaceId, entry);
    if (!shortcut) continue;
    const result = await tx
      .insertInto('templates')
      .values({
        id: newId(input.now),
        workspace_id: input.workspaceId,
        name: entry.name,
        shortcut,
        language: entry.language,
        body: entry.body,
        folder_id: folderId,
        effects: entry.effects ? JSON.stringify(entry.effects) : null,
        starter_key: entry.key,
        created_by: input.agentId,
        created_at: input.now,
        updated_at: input.now,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'starter_key']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) added.push(entry.key);
  }
  return { added, kept: starterLibrary.length - missing.length };
}
