import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { IngestResult } from '../conversations/ingestion/ingest.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { linkCaseByRule } from '../incidents/incidents.commands.ts';
import { assertNoLoop, planRules } from './rules.engine.ts';
import {
  ACTIONS,
  type Rule,
  type RuleAction,
  type RuleContext,
  type RuleEvent,
  type RuleInput,
} from './rules.models.ts';
import { listRules } from './rules.repository.ts';

function rowValues(input: RuleInput) {
  return {
    name: input.name,
    event: input.event,
    conditions: JSON.stringify(input.conditions),
    actions: JSON.stringify({ list: input.actions, stop: input.stop }),
    enabled: input.enabled ? 1 : 0,
  };
}

/** Agents, teams and templates a rule names must exist in the workspace: a typo fails on save, not later. */
async function assertReferences(tx: DbOrTx, workspaceId: string, rule: RuleInput): Promise<void> {
  for (const action of rule.actions) {
    const value = ACTIONS[action.kind].schema.parse(action.value ?? {}) as Record<string, unknown>;
    const table =
      action.kind === 'assignAgent'
        ? { name: 'agents' as const, id: value.agentId }
        : action.kind === 'assignTeam'
          ? { name: 'teams' as const, id: value.teamId }
          : action.kind === 'suggestTemplate'
            ? { name: 'templates' as const, id: value.templateId }
            : action.kind === 'linkIncident' && value.incidentId
              ? { name: 'incidents' as const, id: value.incidentId }
              : null;
    if (!table) continue;
    const found = await tx
      .selectFrom(table.name)
      .select('id')
      .where('id', '=', String(table.id))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!found) {
      throw new AppError(
        'rule.unknown_reference',
        'invalid',
        `${action.kind}: no such ${referenceName[action.kind]}.`,
        {
          action: action.kind,
        },
      );
    }
  }
}
const referenceName: Record<string, string> = {
  assignAgent: 'agent',
  assignTeam: 'team',
  suggestTemplate: 'template',
  linkIncident: 'incident',
};

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
  input: { workspaceId: string; agentId: string; rule: RuleInput },
): Promise<Rule> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const existing = await listRules(tx, input.workspaceId);
    assertNoLoop(input.rule, existing);
    await assertReferences(tx, input.workspaceId, input.rule);
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
    return { ...input.rule, id, position };
  });
}

export async function updateRule(
  deps: { db: Db; clock: Clock },
  input: { workspaceId: string; agentId: string; ruleId: string; rule: RuleInput },
): Promise<Rule> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const existing = await listRules(tx, input.workspaceId);
    const current = existing.find((r) => r.id === input.ruleId);
    if (!current) throw new AppError('rule.not_found', 'not_found', 'No such rule.');
    assertNoLoop({ ...input.rule, id: input.ruleId }, existing);
    await assertReferences(tx, input.workspaceId, input.rule);
    await tx
      .updateTable('rules')
      .set({ ...rowValues(input.rule), updated_at: now })
      .where('id', '=', input.ruleId)
      .execute();
    await recordEvents(tx, [ruleEvent('rule.updated', input, input.ruleId, now, { name: input.rule.name })]);
    return { ...input.rule, id: input.ruleId, position: current.position };
  });
}

export async function deleteRule(
  db: Db,
  input: { workspaceId: string; agentId: string; ruleId: string; now: number },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const result = await tx
      .deleteFrom('rules')
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.ruleId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('rule.not_found', 'not_found', 'No such rule.');
    await recordEvents(tx, [ruleEvent('rule.deleted', input, input.ruleId, input.now, {})]);
  });
}

/** The new order, every rule id once. */
export async function reorderRules(
  db: Db,
  input: { workspaceId: string; agentId: string; ids: string[]; now: number },
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
  });
}

async function tagId(tx: DbOrTx, workspaceId: string, name: string, now: number): Promise<string> {
  const found = await tx
    .selectFrom('tags')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (found) return found.id;
  const id = newId(now);
  await tx.insertInto('tags').values({ id, workspace_id: workspaceId, name, color: null, created_at: now }).execute();
  return id;
}

/** Applies one matched rule's actions to a case; returns the events they caused (for chained rules). */
async function applyActions(
  tx: DbOrTx,
  input: {
    workspaceId: string;
    caseId: string;
    rule: { ruleId: string; name: string };
    actions: RuleAction[];
    now: number;
  },
): Promise<{ emitted: RuleEvent[]; events: EventRecord[] }> {
  const { workspaceId, caseId, now } = input;
  const actor = { type: 'system' as const };
  const base = { workspaceId, caseId, occurredAt: now, actor };
  const events: EventRecord[] = [];
  const emitted: RuleEvent[] = [];
  for (const action of input.actions) {
    const value = ACTIONS[action.kind].schema.parse(action.value ?? {}) as Record<string, unknown>;
    const payload = { ruleId: input.rule.ruleId, rule: input.rule.name, ...value };
    switch (action.kind) {
      case 'assignAgent':
        await tx
          .updateTable('cases')
          .set({ assignee_agent_id: String(value.agentId), updated_at: now })
          .where('id', '=', caseId)
          .execute();
        events.push({ ...base, type: 'case.assigned', payload });
        break;
      case 'assignTeam':
        await tx
          .updateTable('cases')
          .set({ team_id: String(value.teamId), updated_at: now })
          .where('id', '=', caseId)
          .execute();
        events.push({ ...base, type: 'case.assigned', payload });
        break;
      case 'tag': {
        const id = await tagId(tx, workspaceId, String(value.name), now);
        const has = await tx
          .selectFrom('case_tags')
          .select('tag_id')
          .where('case_id', '=', caseId)
          .where('tag_id', '=', id)
          .executeTakeFirst();
        if (!has) await tx.insertInto('case_tags').values({ case_id: caseId, tag_id: id }).execute();
        events.push({ ...base, type: 'case.tagged', payload });
        break;
      }
      case 'setPriority':
        await tx
          .updateTable('cases')
          .set({ priority: Number(value.priority), priority_reason: `rule "${input.rule.name}"`, updated_at: now })
          .where('id', '=', caseId)
          .execute();
        events.push({ ...base, type: 'case.priority_changed', payload });
        break;
      case 'applySla':
        // The SLA sweep reads the event and brings the case's running clocks to that policy's targets.
        await tx
          .updateTable('cases')
          .set({ sla_priority: Number(value.priority), updated_at: now })
          .where('id', '=', caseId)
          .execute();
        events.push({ ...base, type: 'case.sla_policy_applied', payload });
        break;
      case 'suggestTemplate': {
        // A template deleted since the rule was saved suggests nothing; the event says so.
        const template = await tx
          .selectFrom('templates')
          .select('id')
          .where('id', '=', String(value.templateId))
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirst();
        if (template) {
          await tx
            .insertInto('case_template_suggestions')
            .values({ case_id: caseId, template_id: template.id, rule_id: input.rule.ruleId, created_at: now })
            .onConflict((oc) => oc.columns(['case_id', 'template_id']).doNothing())
            .execute();
        }
        events.push({ ...base, type: 'case.template_suggested', payload: { ...payload, missing: !template } });
        break;
      }
      case 'markSpam':
        await tx
          .updateTable('cases')
          .set({ status: 'resolved', resolved_at: now, updated_at: now })
          .where('id', '=', caseId)
          .execute();
        events.push({ ...base, type: 'case.marked_spam', payload });
        break;
      case 'linkIncident': {
        const linked = await linkCaseByRule(tx, {
          workspaceId,
          caseId,
          incidentId: typeof value.incidentId === 'string' ? value.incidentId : undefined,
          rule: input.rule,
          now,
        });
        if (linked) events.push(linked);
        break;
      }
    }
    emitted.push(...ACTIONS[action.kind].emits);
  }
  return { emitted, events };
}

/** Loops are refused when rules are saved; this bounds a chain anyway (belt and braces). */
const MAX_CHAIN = 5;

/**
 * Runs the workspace's rules for one event on one case in ONE transaction with their events, following
 * the events the actions cause (each rule at most once per chain). Returns the rules that fired.
 */
export async function runRules(
  deps: { db: Db; clock: Clock },
  input: {
    workspaceId: string;
    caseId: string;
    context: Omit<RuleContext, 'event' | 'now'>;
    event: RuleEvent;
    rules?: Rule[];
  },
): Promise<string[]> {
  const rules = input.rules ?? (await listRules(deps.db, input.workspaceId));
  if (!rules.some((r) => r.enabled)) return [];
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const fired = new Set<string>();
    const events: EventRecord[] = [];
    const queue: { event: RuleEvent; depth: number }[] = [{ event: input.event, depth: 0 }];
    while (queue.length > 0) {
      const { event, depth } = queue.shift()!;
      if (depth >= MAX_CHAIN) break;
      const plan = planRules(
        rules.filter((r) => !fired.has(r.id)),
        { ...input.context, event, now },
      );
      for (const match of plan.matched) {
        fired.add(match.ruleId);
        const applied = await applyActions(tx, {
          workspaceId: input.workspaceId,
          caseId: input.caseId,
          rule: match,
          actions: match.actions,
          now: now.getTime(),
        });
        events.push(...applied.events);
        for (const next of new Set(applied.emitted)) queue.push({ event: next, depth: depth + 1 });
      }
    }
    await recordEvents(tx, events);
    return [...fired];
  });
}

/**
 * After an ingestion commit: `message.received` for every stored message, `case.opened` for the first
 * message of each new case. Failures are logged, never thrown: the posts are already safely stored.
 */
export async function runRulesAfterIngest(
  deps: { db: Db; clock: Clock; realtime: RealtimeBus; logger?: Logger },
  channel: { id: string; workspace_id: string },
  result: Pick<IngestResult, 'triaged'>,
): Promise<void> {
  if (result.triaged.length === 0) return;
  try {
    const rules = await listRules(deps.db, channel.workspace_id);
    if (!rules.some((r) => r.enabled)) return;
    const opened = new Set<string>();
    for (const t of result.triaged) {
      const context = {
        text: t.text,
        classification: t.classification,
        priority: t.decision.priority,
        channelId: channel.id,
        visibility: t.visibility,
        author: t.author,
      };
      const events: RuleEvent[] = ['message.received'];
      if (t.caseOpened && !opened.has(t.caseId)) {
        opened.add(t.caseId);
        events.push('case.opened');
      }
      let fired = 0;
      for (const event of events) {
        fired += (await runRules(deps, { workspaceId: channel.workspace_id, caseId: t.caseId, context, event, rules }))
          .length;
      }
      if (fired > 0) {
        deps.realtime.publish(channel.workspace_id, {
          type: 'case.changed',
          caseId: t.caseId,
          updatedAt: deps.clock.now().toISOString(),
        });
      }
    }
  } catch (error) {
    deps.logger?.error({ err: error, channelId: channel.id }, 'rules failed after ingestion');
  }
}
