import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { ACTIONS, ruleInputSchema, type Rule, type RuleAction, type RuleInput } from './rules.models.ts';

type ReferenceTable = 'agents' | 'teams' | 'templates' | 'incidents';
interface Reference {
  table: ReferenceTable;
  id: string;
  /** What the lead reads: "no such template". */
  noun: string;
}

/** The agent, team, template or incident an action names, if any. */
export function referenceOf(action: RuleAction): Reference | null {
  const value = ACTIONS[action.kind].schema.parse(action.value ?? {}) as Record<string, unknown>;
  switch (action.kind) {
    case 'assignAgent':
      return { table: 'agents', id: String(value.agentId), noun: 'agent' };
    case 'assignTeam':
      return { table: 'teams', id: String(value.teamId), noun: 'team' };
    case 'suggestTemplate':
      return { table: 'templates', id: String(value.templateId), noun: 'template' };
    case 'linkIncident':
      return typeof value.incidentId === 'string'
        ? { table: 'incidents', id: value.incidentId, noun: 'incident' }
        : null;
    default:
      return null;
  }
}

/** Of these ids, those that exist in the workspace, per table: one read for all the tables named. */
async function existingIds(
  db: DbOrTx,
  workspaceId: string,
  references: Reference[],
): Promise<Map<ReferenceTable, Set<string>>> {
  const found = new Map<ReferenceTable, Set<string>>();
  const reads = [...new Set(references.map((r) => r.table))].map((table) => {
    found.set(table, new Set());
    const ids = [...new Set(references.filter((r) => r.table === table).map((r) => r.id))];
    return sql`select ${sql.lit(table)} as source, id from ${sql.table(table)}
      where workspace_id = ${workspaceId} and id in (${sql.join(ids)})`;
  });
  if (reads.length === 0) return found;
  const rows = await sql<{ source: ReferenceTable; id: string }>`${sql.join(reads, sql` union all `)}`.execute(db);
  for (const row of rows.rows) found.get(row.source)?.add(row.id);
  return found;
}

/**
 * Everything a rule must be before it is stored, whoever calls (the API has checked the shapes already; a
 * command called directly has not): condition and action values by their registry schemas (time zones
 * included), and agents, teams, templates and incidents that exist in the workspace. A mistake fails on
 * save with a clear message, not later on every inbound page.
 */
export async function assertRuleValid(db: DbOrTx, workspaceId: string, rule: RuleInput): Promise<void> {
  const parsed = ruleInputSchema.safeParse(rule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AppError('rule.invalid', 'invalid', `${where}${issue?.message ?? 'invalid rule'}`);
  }
  const references = rule.actions.flatMap((a) => {
    const reference = referenceOf(a);
    return reference ? [{ ...reference, action: a.kind }] : [];
  });
  const found = await existingIds(db, workspaceId, references);
  const missing = references.find((r) => !found.get(r.table)?.has(r.id));
  if (missing) {
    throw new AppError('rule.unknown_reference', 'invalid', `${missing.action}: no such ${missing.noun}.`, {
      action: missing.action,
    });
  }
}

/**
 * At run time: the rules that name something deleted since they were saved (a template, an agent, a team,
 * an incident), with the reason, so they are set aside instead of failing the page.
 */
export async function rulesWithMissingReferences(
  db: DbOrTx,
  workspaceId: string,
  rules: Rule[],
): Promise<Map<string, string>> {
  const broken = new Map<string, string>();
  const references: (Reference & { ruleId: string; action: string })[] = [];
  for (const rule of rules) {
    for (const action of rule.actions) {
      try {
        const reference = referenceOf(action);
        if (reference) references.push({ ...reference, ruleId: rule.id, action: action.kind });
      } catch (error) {
        broken.set(rule.id, `${action.kind}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (references.length === 0) return broken;
  const found = await existingIds(db, workspaceId, references);
  for (const r of references) {
    if (!broken.has(r.ruleId) && !found.get(r.table)?.has(r.id)) {
      broken.set(r.ruleId, `${r.action}: the ${r.noun} it names no longer exists`);
    }
  }
  return broken;
}
