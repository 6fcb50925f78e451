import { createRule } from '../src/modules/rules/rules.commands.ts';
import { ruleInputSchema } from '../src/modules/rules/rules.models.ts';
import { newId } from '../src/platform/ids.ts';
import type { StorageFixture } from '../test/factories.ts';

/**
 * A realistic rule set for the ingestion bench, one of each common kind: tag outages, route French posts
 * to a team, a saved reply for refunds, a stricter SLA for big accounts, spam by words, and a business-hours
 * tag that reads the clock in a time zone. Saved through `createRule`, as a lead would.
 */
export async function configureRules(f: StorageFixture): Promise<number> {
  const db = f.database.db;
  const now = f.clock.now().getTime();
  const agentId = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
  const teamId = newId(now);
  await db
    .insertInto('teams')
    .values({ id: teamId, workspace_id: f.workspaceId, name: 'Francophone', created_at: now })
    .execute();
  const templateId = newId(now);
  await db
    .insertInto('templates')
    .values({
      id: templateId,
      workspace_id: f.workspaceId,
      name: 'Remboursement',
      shortcut: 'refund',
      language: 'fr',
      body: 'Bonjour {{customer.name}}, votre remboursement est en cours.',
      created_by: agentId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const rules = [
    {
      name: 'Outages are tagged',
      event: 'message.received',
      conditions: [{ kind: 'urgency', value: { any: ['outage'] } }],
      actions: [{ kind: 'tag', value: { name: 'panne' } }],
    },
    {
      name: 'French posts go to the francophone team',
      event: 'case.opened',
      conditions: [{ kind: 'language', value: { in: ['fr'] } }],
      actions: [{ kind: 'assignTeam', value: { teamId } }],
    },
    {
      name: 'Refunds get the refund reply',
      event: 'message.received',
      conditions: [{ kind: 'words', value: { any: ['remboursement', 'refund'] } }],
      actions: [
        { kind: 'suggestTemplate', value: { templateId } },
        { kind: 'setPriority', value: { priority: 2 } },
      ],
    },
    {
      name: 'Big accounts on the P1 clock',
      event: 'case.opened',
      conditions: [{ kind: 'followers', value: { atLeast: 4000 } }],
      actions: [{ kind: 'applySla', value: { priority: 1 } }],
    },
    {
      name: 'Crypto spam',
      event: 'message.received',
      conditions: [{ kind: 'words', value: { any: ['airdrop', 'crypto giveaway'] } }],
      actions: [{ kind: 'markSpam', value: {} }],
      stop: true,
    },
    {
      name: 'Out of hours',
      event: 'message.received',
      conditions: [{ kind: 'timeOfDay', value: { from: '19:00', to: '08:00', timeZone: 'Europe/Paris' } }],
      actions: [{ kind: 'tag', value: { name: 'hors-horaires' } }],
    },
  ];
  for (const rule of rules) {
    await createRule(
      { db, clock: f.clock },
      { workspaceId: f.workspaceId, agentId, rule: ruleInputSchema.parse(rule) },
    );
  }
  return rules.length;
}
