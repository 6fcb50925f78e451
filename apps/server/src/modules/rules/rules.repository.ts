import type { DbOrTx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import type { Rule, RuleEvent } from './rules.models.ts';

/** A stored error is cut to this length: enough to act on, never a page of stack. */
const ERROR_LENGTH = 500;

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
    failing:
      row.failing_since === null
        ? null
        : {
            since: new Date(Number(row.failing_since)).toISOString(),
            error: row.last_error ?? '',
            count: Number(row.failure_count),
          },
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

/** The rule failed on this page: keeps the first failure's time, the latest error, and counts the pages. */
export async function markRuleFailing(db: DbOrTx, ruleId: string, error: string, now: number): Promise<void> {
  await db
    .updateTable('rules')
    .set((eb) => ({
      failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
      last_error: error.slice(0, ERROR_LENGTH),
      failure_count: eb('failure_count', '+', 1),
    }))
    .where('id', '=', ruleId)
    .execute();
}

/** These rules ran cleanly (or were saved again): no longer failing. */
export async function clearRulesFailing(db: DbOrTx, ruleIds: string[]): Promise<void> {
  if (ruleIds.length === 0) return;
  await db
    .updateTable('rules')
    .set({ failing_since: null, last_error: null, failure_count: 0 })
    .where('id', 'in', ruleIds)
    .execute();
}
