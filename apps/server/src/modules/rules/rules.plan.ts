import { ZodError } from 'zod';
import {
  ACTIONS,
  CONDITIONS,
  type ActionKind,
  type ConditionKind,
  type Rule,
  type RuleContext,
  type RuleEvent,
} from './rules.models.ts';

/** One stored inbound message, as the rules see it. */
export interface RuleMessage {
  messageId: string;
  caseId: string;
  /** The first message of a case this page opened: `case.opened` runs for it. */
  opensCase: boolean;
  context: Omit<RuleContext, 'event' | 'now'>;
  createdAt: number;
}

/** One action of one matched rule, for one message: written later, with the other effects of its kind. */
export interface RuleEffect {
  ruleId: string;
  ruleName: string;
  caseId: string;
  messageId: string;
  kind: ActionKind;
  /** The action's value, parsed by its schema. */
  value: Record<string, unknown>;
  text: string;
  createdAt: number;
}

export interface RulePagePlan {
  /** In the order the rules would have applied them, message by message. */
  effects: RuleEffect[];
  /** Rules set aside for this page, and why. */
  failures: Map<string, string>;
  /** Enabled rules that ran on every message without an error. */
  clean: string[];
}

/** Loops are refused when rules are saved; this bounds a chain anyway (belt and braces). */
const MAX_CHAIN = 5;

interface CompiledRule {
  rule: Rule;
  conditions: ((ctx: RuleContext) => boolean)[];
  actions: { kind: ActionKind; value: Record<string, unknown> }[];
  emits: RuleEvent[];
}

class RuleFailure extends Error {
  constructor(
    readonly ruleId: string,
    cause: unknown,
  ) {
    super(describeRuleError(cause));
  }
}

/** A message a lead can act on: a schema's first complaint, else the error's own message. */
export function describeRuleError(error: unknown): string {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid value'}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Conditions that read nothing but the time. */
const CLOCK_ONLY: ReadonlySet<string> = new Set<ConditionKind>(['timeOfDay']);

/**
 * Parses each stored value once per page (a plan is compiled for one page, at one time); a value that no
 * longer parses sets the rule aside.
 */
function compile(rule: Rule): CompiledRule {
  const conditions = rule.conditions.map((c, index) => {
    const entry = CONDITIONS[c.kind];
    if (!entry) throw new Error(`condition ${index + 1}: unknown kind "${String(c.kind)}"`);
    let value: unknown;
    try {
      value = entry.schema.parse(c.value);
    } catch (error) {
      throw new Error(`${c.kind}: ${describeRuleError(error)}`);
    }
    const test = entry.test as (ctx: RuleContext, v: unknown) => boolean;
    if (!CLOCK_ONLY.has(c.kind)) return (ctx: RuleContext) => test(ctx, value);
    // One page is planned at one time: its answer holds for every message (formatting a date is not free).
    let answer: boolean | undefined;
    return (ctx: RuleContext) => (answer ??= test(ctx, value));
  });
  const actions = rule.actions.map((a) => {
    const entry = ACTIONS[a.kind];
    if (!entry) throw new Error(`unknown action "${String(a.kind)}"`);
    try {
      return { kind: a.kind, value: entry.schema.parse(a.value ?? {}) as Record<string, unknown> };
    } catch (error) {
      throw new Error(`${a.kind}: ${describeRuleError(error)}`);
    }
  });
  const emits = [...new Set(actions.flatMap((a) => [...ACTIONS[a.kind].emits]))];
  return { rule, conditions, actions, emits };
}

function matches(compiled: CompiledRule, ctx: RuleContext): boolean {
  try {
    return compiled.conditions.every((test) => test(ctx));
  } catch (error) {
    throw new RuleFailure(compiled.rule.id, error);
  }
}

/**
 * One trigger on one message, following the events the actions cause (each rule at most once per chain),
 * exactly as the rules ran one by one before: ordered, a `stop` rule ends the list for its event.
 */
function chain(rules: CompiledRule[], message: RuleMessage, trigger: RuleEvent, now: Date, out: RuleEffect[]): void {
  const fired = new Set<string>();
  const queue: { event: RuleEvent; depth: number }[] = [{ event: trigger, depth: 0 }];
  while (queue.length > 0) {
    const { event, depth } = queue.shift()!;
    if (depth >= MAX_CHAIN) break;
    // Field by field: on Node 20, `{ ...message.context, event, now }` cost a few microseconds per message.
    const { text, classification, priority, channelId, visibility, author } = message.context;
    const ctx: RuleContext = { event, text, classification, priority, channelId, visibility, author, now };
    for (const compiled of rules) {
      const { rule } = compiled;
      if (fired.has(rule.id) || rule.event !== event || !matches(compiled, ctx)) continue;
      fired.add(rule.id);
      for (const action of compiled.actions) {
        out.push({
          ruleId: rule.id,
          ruleName: rule.name,
          caseId: message.caseId,
          messageId: message.messageId,
          kind: action.kind,
          value: action.value,
          text: message.context.text,
          createdAt: message.createdAt,
        });
      }
      for (const next of compiled.emits) queue.push({ event: next, depth: depth + 1 });
      if (rule.stop) break;
    }
  }
}

/**
 * The page's rules, evaluated in memory: `message.received` for every message, `case.opened` for the first
 * message of each case the page opened. A rule that throws (a value that no longer parses, a time zone
 * this runtime does not know) is set aside and the page is planned again without it, so the plan is
 * exactly what the other rules would have done had it never existed. `preFailed`: rules already known
 * broken (a deleted reference).
 */
export function planPageRules(
  rules: Rule[],
  messages: RuleMessage[],
  now: Date,
  preFailed: Map<string, string> = new Map(),
): RulePagePlan {
  const failures = new Map(preFailed);
  const compiled: CompiledRule[] = [];
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (!rule.enabled || failures.has(rule.id)) continue;
    try {
      compiled.push(compile(rule));
    } catch (error) {
      failures.set(rule.id, describeRuleError(error));
    }
  }
  for (;;) {
    const active = compiled.filter((c) => !failures.has(c.rule.id));
    const effects: RuleEffect[] = [];
    try {
      for (const message of messages) {
        chain(active, message, 'message.received', now, effects);
        if (message.opensCase) chain(active, message, 'case.opened', now, effects);
      }
      return { effects, failures, clean: active.map((c) => c.rule.id) };
    } catch (error) {
      if (!(error instanceof RuleFailure)) throw error;
      failures.set(error.ruleId, error.message);
    }
  }
}
