import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';
import type { RowUpdate } from '../../platform/db/schema.ts';
import type { EventRecord } from '../events/events.repository.ts';
import { linkCasesByRules } from '../incidents/incidents.rules.ts';
import { ensureTag } from '../tags/tags.repository.ts';
import { describeRuleError, type RuleEffect } from './rules.plan.ts';

const CHUNK = 300;

/** The case columns an action sets: when several effects set one column of one case, the last one wins. */
const COLUMN_OF: Partial<Record<RuleEffect['kind'], string>> = {
  assignAgent: 'assignee',
  assignTeam: 'team',
  setPriority: 'priority',
  applySla: 'sla',
  markSpam: 'status',
};

const EVENT_OF: Record<Exclude<RuleEffect['kind'], 'linkIncident'>, string> = {
  assignAgent: 'case.assigned',
  assignTeam: 'case.assigned',
  tag: 'case.tagged',
  setPriority: 'case.priority_changed',
  applySla: 'case.sla_policy_applied',
  suggestTemplate: 'case.template_suggested',
  markSpam: 'case.marked_spam',
};

/** The case columns the rules set on one case (the last effect per column wins). */
export interface RuleColumns {
  assignee?: string;
  team?: string;
  priority?: { value: number; reason: string };
  sla?: number;
  spam?: boolean;
}

/** Winner per case and column, in the plan's order: the last effect that sets a column is the one written. */
function winners(effects: RuleEffect[]): Map<string, RuleEffect> {
  const winner = new Map<string, RuleEffect>();
  for (const e of effects) {
    const column = COLUMN_OF[e.kind];
    if (column) winner.set(`${e.caseId}\u0000${column}`, e);
  }
  return winner;
}

/**
 * The rules' case columns per case, for the store stage to write with the case itself (one write per case
 * instead of one for the message and one per rule: each rewrites a dozen queue indexes).
 */
export function ruleColumnsByCase(effects: RuleEffect[]): Map<string, RuleColumns> {
  const byCase = new Map<string, RuleColumns>();
  for (const e of winners(effects).values()) {
    const columns = byCase.get(e.caseId) ?? {};
    if (e.kind === 'assignAgent') columns.assignee = String(e.value.agentId);
    else if (e.kind === 'assignTeam') columns.team = String(e.value.teamId);
    else if (e.kind === 'setPriority')
      columns.priority = { value: Number(e.value.priority), reason: ruleReason(e.ruleName) };
    else if (e.kind === 'applySla') columns.sla = Number(e.value.priority);
    else if (e.kind === 'markSpam') columns.spam = true;
    byCase.set(e.caseId, columns);
  }
  return byCase;
}

const ruleReason = (name: string) => `rule "${name}"`;

export interface AppliedRules {
  /** The events of the effects written, to record with the page's own. */
  events: EventRecord[];
  /** Rules whose writes failed and were rolled back, and why. */
  failures: Map<string, string>;
}

function caseSet(effect: RuleEffect, ruleName: string, now: number): RowUpdate<'cases'> {
  switch (effect.kind) {
    case 'assignAgent':
      return { assignee_agent_id: String(effect.value.agentId), updated_at: now };
    case 'assignTeam':
      return { team_id: String(effect.value.teamId), updated_at: now };
    case 'setPriority':
      return { priority: Number(effect.value.priority), priority_reason: ruleReason(ruleName), updated_at: now };
    case 'applySla':
      // The SLA sweep reads the event and brings the case's running clocks to that policy's targets.
      return { sla_priority: Number(effect.value.priority), updated_at: now };
    default:
      return { status: 'resolved', resolved_at: now, updated_at: now };
  }
}

/** Case column writes of one rule, one UPDATE per distinct value (a rule sets few values). */
async function writeColumns(tx: DbOrTx, winners: RuleEffect[], now: number): Promise<void> {
  const groups = new Map<string, { set: RowUpdate<'cases'>; caseIds: string[] }>();
  for (const effect of winners) {
    const set = caseSet(effect, effect.ruleName, now);
    const key = JSON.stringify(set);
    const group = groups.get(key) ?? { set, caseIds: [] };
    group.caseIds.push(effect.caseId);
    groups.set(key, group);
  }
  for (const { set, caseIds } of groups.values()) {
    for (let i = 0; i < caseIds.length; i += CHUNK) {
      await tx
        .updateTable('cases')
        .set(set)
        .where('id', 'in', caseIds.slice(i, i + CHUNK))
        .execute();
    }
  }
}

async function writeTags(tx: DbOrTx, workspaceId: string, effects: RuleEffect[], now: number): Promise<void> {
  const tagIds = new Map<string, string>();
  for (const name of new Set(effects.map((e) => String(e.value.name)))) {
    tagIds.set(name, (await ensureTag(tx, workspaceId, name, now)).id);
  }
  const pairs = new Map<string, { case_id: string; tag_id: string }>();
  for (const e of effects) {
    const tagId = tagIds.get(String(e.value.name))!;
    pairs.set(`${e.caseId}\u0000${tagId}`, { case_id: e.caseId, tag_id: tagId });
  }
  const rows = [...pairs.values()];
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insertInto('case_tags')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['case_id', 'tag_id']).doNothing())
      .execute();
  }
}

async function writeSuggestions(tx: DbOrTx, ruleId: string, effects: RuleEffect[], now: number): Promise<void> {
  const pairs = new Map<string, { case_id: string; template_id: string; rule_id: string; created_at: number }>();
  for (const e of effects) {
    const templateId = String(e.value.templateId);
    pairs.set(`${e.caseId}\u0000${templateId}`, {
      case_id: e.caseId,
      template_id: templateId,
      rule_id: ruleId,
      created_at: now,
    });
  }
  const rows = [...pairs.values()];
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insertInto('case_template_suggestions')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['case_id', 'template_id']).doNothing())
      .execute();
  }
}

/** One rule's writes for the page, batched by kind; returns the events they caused. */
async function applyRule(
  tx: DbOrTx,
  input: { workspaceId: string; ruleId: string; effects: RuleEffect[]; winners: RuleEffect[]; now: number },
): Promise<EventRecord[]> {
  const { workspaceId, effects, now } = input;
  if (input.winners.length > 0) await writeColumns(tx, input.winners, now);
  const ofKind = (kind: RuleEffect['kind']) => effects.filter((e) => e.kind === kind);
  if (ofKind('tag').length > 0) await writeTags(tx, workspaceId, ofKind('tag'), now);
  if (ofKind('suggestTemplate').length > 0) await writeSuggestions(tx, input.ruleId, ofKind('suggestTemplate'), now);
  const events: EventRecord[] = [];
  for (const e of effects) {
    if (e.kind === 'linkIncident') continue;
    events.push({
      workspaceId,
      type: EVENT_OF[e.kind],
      caseId: e.caseId,
      actor: { type: 'system' },
      payload: { ruleId: e.ruleId, rule: e.ruleName, messageId: e.messageId, ...e.value },
      occurredAt: now,
    });
  }
  const links = ofKind('linkIncident').map((e) => ({
    caseId: e.caseId,
    incidentId: typeof e.value.incidentId === 'string' ? e.value.incidentId : undefined,
    message: { text: e.text, created_at: e.createdAt },
    rule: { ruleId: e.ruleId, name: e.ruleName },
  }));
  events.push(...(await linkCasesByRules(tx, { workspaceId, links, now })));
  return events;
}

/**
 * Writes the planned effects inside the page's transaction, batched by kind. With `isolate`, rule by rule,
 * each under its own SAVEPOINT: a rule whose writes fail (a constraint, a row deleted meanwhile) has them
 * rolled back and is reported, while the other rules' effects and the page itself commit. Without, in one
 * go (the caller holds a savepoint and comes back with `isolate` should anything fail).
 * Where several effects set the same column of a case, the last in the plan's order wins (as when rules
 * ran one message at a time), and only its rule writes that column — unless `columnsWritten`: the store
 * stage already wrote the columns with the cases (see ruleColumnsByCase).
 */
export async function applyRuleEffects(
  tx: DbOrTx,
  input: { workspaceId: string; effects: RuleEffect[]; now: number; columnsWritten: boolean; isolate: boolean },
): Promise<AppliedRules> {
  const applied: AppliedRules = { events: [], failures: new Map() };
  if (input.effects.length === 0) return applied;
  const winner = input.columnsWritten ? new Map<string, RuleEffect>() : winners(input.effects);
  const byRule = new Map<string, { effects: RuleEffect[]; winners: RuleEffect[] }>();
  const of = (ruleId: string) => {
    let entry = byRule.get(ruleId);
    if (!entry) byRule.set(ruleId, (entry = { effects: [], winners: [] }));
    return entry;
  };
  for (const e of input.effects) of(e.ruleId).effects.push(e);
  for (const e of winner.values()) of(e.ruleId).winners.push(e);
  const { workspaceId, now } = input;
  if (!input.isolate) {
    for (const [ruleId, { effects, winners: own }] of byRule) {
      applied.events.push(...(await applyRule(tx, { workspaceId, ruleId, effects, winners: own, now })));
    }
    return applied;
  }
  let index = 0;
  for (const [ruleId, { effects, winners: own }] of byRule) {
    const savepoint = sql.raw(`rule_effects_${index++}`);
    await sql`savepoint ${savepoint}`.execute(tx);
    try {
      const events = await applyRule(tx, { workspaceId, ruleId, effects, winners: own, now });
      await sql`release savepoint ${savepoint}`.execute(tx);
      applied.events.push(...events);
    } catch (error) {
      await sql`rollback to savepoint ${savepoint}`.execute(tx);
      await sql`release savepoint ${savepoint}`.execute(tx);
      applied.failures.set(ruleId, describeRuleError(error));
    }
  }
  return applied;
}
