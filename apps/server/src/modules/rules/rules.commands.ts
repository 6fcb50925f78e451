import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { assertNoLoop } from './rules.engine.ts';
import type { Rule, RuleInput } from './rules.models.ts';
import { listRules } from './rules.repository.ts';
import { assertRuleValid } from './rules.validation.ts';

function rowValues(input: RuleInput) {
  return {
    name: input.name,
    event: input.event,
    conditions: JSON.stringify(input.conditions),
    actions: JSON.stringify({ list: input.actions, stop: input.stop }),
    enabled: input.enabled ? 1 : 0,
  };
}

function ruleEvent(
  type: string,
  input: { workspaceId: string; agentId: string },
  ruleId: string,
  now: number,
  payload: Record<string, unknown>,
): EventRecord {
  return {
    workspaceId: input.workspaceId,
    type,
    subjectId: ruleId,
    actor: { type: 'agent', id: input.agentId },
    payload,
    occurredAt: now,
  };
}

export async function createRule(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; agentId: string; rule: RuleInput; audit?: AuditContext | undefined },
): Promise<Rule> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const existing = await listRules(tx, input.workspaceId);
    assertNoLoop(input.rule, existing);
    await assertRuleValid(tx, input.workspaceId, input.rule);
    const id = newId(now);
    const position = existing.reduce((max, r) => Math.max(max, r.position), 0) + 1;
    await tx
      .insertInto('rules')
      .values({
        id,
        workspace_id: input.workspaceId,
        ...rowValues(input.rule),
        position,
        created_by: input.agentId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordEvents(tx, [ruleEvent('rule.created', input, id, now, { name: input.rule.name })]);
    await audit(tx, input.audit, 'rule.created', now, { subject: { type: 'rule', id }, after: input.rule });
    return { ...input.rule, id, position, failing: null };
  });
}

export async function updateRule(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; agentId: string; ruleId: string; rule: RuleInput; audit?: AuditContext | undefined },
): Promise<Rule> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const existing = await listRules(tx, input.workspaceId);
    const current = existing.find((r) => r.id === input.ruleId);
    if (!current) throw new AppError('rule.not_found', 'not_found', 'No such rule.');
    assertNoLoop({ ...input.rule, id: input.ruleId }, existing);
    await assertRuleValid(tx, input.workspaceId, input.rule);
    await tx
      .updateTable('rules')
      // Saved again: whatever made it fail is for this version to show.
      .set({ ...rowValues(input.rule), updated_at: now, failing_since: null, last_error: null, failure_count: 0 })
      .where('id', '=', input.ruleId)
      .execute();
    await recordEvents(tx, [ruleEvent('rule.updated', input, input.ruleId, now, { name: input.rule.name })]);
    const { id: _id, position: _position, failing: _failing, ...before } = current;
    await audit(tx, input.audit, 'rule.updated', now, {
      subject: { type: 'rule', id: input.ruleId },
      before,
      after: input.rule,
    });
    return { ...input.rule, id: input.ruleId, position: current.position, failing: null };
  });
}

export async function deleteRule(
  db: Db,
  input: { workspaceId: string; agentId: string; ruleId: string; now: number; audit?: AuditContext | undefined },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const before = (await listRules(tx, input.workspaceId)).find((r) => r.id === input.ruleId);
    const result = await tx
      .deleteFrom('rules')
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.ruleId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('rule.not_found', 'not_found', 'No such rule.');
    await recordEvents(tx, [ruleEvent('rule.deleted', input, input.ruleId, input.now, {})]);
    await audit(tx, input.audit, 'rule.deleted', input.now, { subject: { type: 'rule', id: input.ruleId }, before });
  });
}

/** The new order, every rule id once. */
export async function reorderRules(
  db: Db,
  input: { workspaceId: string; agentId: string; ids: string[]; now: number; audit?: AuditContext | undefined },
): Promise<void> {
  const { workspaceId, ids, now } = input;
  await db.transaction().execute(async (tx) => {
    const existing = await listRules(tx, workspaceId);
    const known = new Set(existing.map((r) => r.id));
    if (ids.length !== known.size || !ids.every((id) => known.has(id))) {
      throw new AppError('rule.order_invalid', 'invalid', 'The order must list every rule exactly once.');
    }
    for (const [index, id] of ids.entries()) {
      await tx
        .updateTable('rules')
        .set({ position: index + 1, updated_at: now })
        .where('id', '=', id)
        .execute();
    }
    await recordEvents(tx, [
      {
        workspaceId,
        type: 'rules.reordered',
        actor: { type: 'agent', id: input.agentId },
        payload: { ids },
        occurredAt: now,
      },
    ]);
    const byPosition = [...existing].sort((a, b) => a.position - b.position);
    await audit(tx, input.audit, 'rules.reordered', now, {
      before: { order: byPosition.map((r) => r.name) },
      after: { order: ids.map((id) => existing.find((r) => r.id === id)!.name) },
    });
  });
}
