import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { Rule, RuleEvent } from './rules.models.ts';

export function ruleFromRow(row: Row<'rules'>): Rule {
  const actions = JSON.parse(row.actions) as { list: Rule['actions']; stop?: boolean };
  return {
    id: row.id,
    name: row.name,
    event: row.event as RuleEvent,
    conditions: JSON.parse(row.conditions) as Rule['conditions'],
    actions: actions.list,
    stop: actions.stop ?? false,
    enabled: row.enabled === 1,
    position: row.position,
  };
}

export async function listRules(db: DbOrTx, workspaceId: string): Promise<Rule[]> {
  const rows = await db
    .selectFrom('rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position', 'asc')
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map(ruleFromRow);
}
