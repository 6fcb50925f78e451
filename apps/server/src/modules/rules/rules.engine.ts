import { AppError } from '../../platform/errors.ts';
import {
  ACTIONS,
  CONDITIONS,
  type Rule,
  type RuleAction,
  type RuleContext,
  type RuleEvent,
  type RuleInput,
} from './rules.models.ts';

function conditionHolds(c: RuleInput['conditions'][number], ctx: RuleContext): boolean {
  const entry = CONDITIONS[c.kind];
  const value = entry.schema.parse(c.value);
  return (entry.test as (ctx: RuleContext, v: unknown) => boolean)(ctx, value);
}

/** Pure: does every condition hold? Values were validated when the rule was saved. */
export function ruleMatches(rule: Pick<RuleInput, 'conditions'>, ctx: RuleContext): boolean {
  return rule.conditions.every((c) => conditionHolds(c, ctx));
}

/** Each condition and whether it holds: what "test against a sample post" shows, condition by condition. */
export function conditionResults(rule: Pick<RuleInput, 'conditions'>, ctx: RuleContext) {
  return rule.conditions.map((c) => ({ kind: c.kind, value: c.value, matched: conditionHolds(c, ctx) }));
}

export interface RulePlan {
  matched: { ruleId: string; name: string; actions: RuleAction[] }[];
}

/** The enabled rules for this event, in order, that match; a `stop` rule ends the list. */
export function planRules(rules: Rule[], ctx: RuleContext): RulePlan {
  const matched: RulePlan['matched'] = [];
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (!rule.enabled || rule.event !== ctx.event) continue;
    if (!ruleMatches(rule, ctx)) continue;
    matched.push({ ruleId: rule.id, name: rule.name, actions: rule.actions });
    if (rule.stop) break;
  }
  return { matched };
}

function emitted(actions: RuleAction[]): Set<RuleEvent> {
  return new Set(actions.flatMap((a) => [...ACTIONS[a.kind].emits]));
}

/**
 * Refuses a rule that could trigger itself, directly (when tagged → tag) or through other rules
 * (A: when tagged → set priority; B: when priority changed → tag). Conditions are ignored on purpose:
 * whether they would hold again depends on data, so any possible cycle is refused.
 */
export function assertNoLoop(candidate: RuleInput & { id?: string }, others: Rule[]): void {
  const rules = [...others.filter((r) => r.id !== candidate.id && r.enabled), candidate];
  const seen = new Set<RuleEvent>();
  const queue: RuleEvent[] = [...emitted(candidate.actions)];
  const path: string[] = [];
  while (queue.length > 0) {
    const event = queue.shift()!;
    if (event === candidate.event) {
      throw new AppError(
        'rule.loop',
        'invalid',
        `This rule would trigger itself: its actions cause "${event}", the event it listens to${
          path.length ? ` (through ${path.join(', ')})` : ''
        }.`,
        { event },
      );
    }
    if (seen.has(event)) continue;
    seen.add(event);
    for (const rule of rules) {
      if (rule.event !== event || rule === candidate) continue;
      path.push(`"${rule.name}"`);
      queue.push(...emitted(rule.actions));
    }
  }
}
