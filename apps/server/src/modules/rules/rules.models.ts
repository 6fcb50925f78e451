import { ruleEventSchema, type RuleActionKind, type RuleConditionKind } from '@guichet/contracts';
import { z } from 'zod';
import { MESSAGE_TYPES, SENTIMENTS, type Classification } from '../triage/triage.models.ts';

/**
 * When: the events a rule can listen to (the list is the API contract). The `case.*` ones after the first
 * three are what rule actions themselves emit.
 */
export const RULE_EVENTS = ruleEventSchema.options;
export type RuleEvent = (typeof RULE_EVENTS)[number];

/** What a condition looks at: the post, its triage, its author, the case, and the time. */
export interface RuleContext {
  event: RuleEvent;
  text: string;
  classification: Classification;
  priority: number;
  channelId: string;
  visibility: 'public' | 'direct';
  author: { followers: number | null; verified: boolean };
  now: Date;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

const clockFormats = new Map<string, Intl.DateTimeFormat>();
/** `HH:mm` in a zone; built once per zone (building one costs far more than formatting with it). */
function clockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    clockFormats.set(timeZone, format);
  }
  return format;
}

/** An IANA time zone this runtime knows (`Europe/Paris`, `UTC`): `Intl` refuses anything else. */
export function isTimeZone(value: string): boolean {
  try {
    clockFormat(value);
    return true;
  } catch {
    return false;
  }
}
const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, {
    error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as Europe/Paris or UTC)`,
  });

/** If: the condition registry. Each entry has its own value schema and a pure test. */
export const CONDITIONS = {
  words: {
    schema: z.object({ any: z.array(z.string().min(1)).min(1) }),
    test: (ctx: RuleContext, v: { any: string[] }) => {
      const text = ctx.text.toLocaleLowerCase();
      return v.any.some((w) => text.includes(w.toLocaleLowerCase()));
    },
  },
  type: {
    schema: z.object({ in: z.array(z.enum(MESSAGE_TYPES)).min(1) }),
    test: (ctx: RuleContext, v: { in: string[] }) => v.in.includes(ctx.classification.type),
  },
  sentiment: {
    schema: z.object({ in: z.array(z.enum(SENTIMENTS)).min(1) }),
    test: (ctx: RuleContext, v: { in: string[] }) => v.in.includes(ctx.classification.sentiment),
  },
  language: {
    schema: z.object({ in: z.array(z.string().min(2)).min(1) }),
    test: (ctx: RuleContext, v: { in: string[] }) => v.in.includes(ctx.classification.language),
  },
  urgency: {
    schema: z.object({ any: z.array(z.string().min(1)).min(1) }),
    test: (ctx: RuleContext, v: { any: string[] }) => v.any.some((c) => ctx.classification.urgency.includes(c)),
  },
  priority: {
    schema: z.object({ atMost: z.number().int().min(1).max(4) }),
    test: (ctx: RuleContext, v: { atMost: number }) => ctx.priority <= v.atMost,
  },
  channel: {
    schema: z.object({ in: z.array(z.string().min(1)).min(1) }),
    test: (ctx: RuleContext, v: { in: string[] }) => v.in.includes(ctx.channelId),
  },
  visibility: {
    schema: z.object({ is: z.enum(['public', 'direct']) }),
    test: (ctx: RuleContext, v: { is: string }) => ctx.visibility === v.is,
  },
  followers: {
    schema: z.object({ atLeast: z.number().int().min(0) }),
    test: (ctx: RuleContext, v: { atLeast: number }) => (ctx.author.followers ?? 0) >= v.atLeast,
  },
  verified: {
    schema: z.object({ is: z.boolean() }),
    test: (ctx: RuleContext, v: { is: boolean }) => ctx.author.verified === v.is,
  },
  timeOfDay: {
    /** Local time in the given zone; a window that crosses midnight (22:00 → 06:00) works. */
    schema: z.object({ from: hhmm, to: hhmm, timeZone: timeZone.default('UTC') }),
    test: (ctx: RuleContext, v: { from: string; to: string; timeZone: string }) => {
      const local = clockFormat(v.timeZone).format(ctx.now);
      return v.from <= v.to ? local >= v.from && local < v.to : local >= v.from || local < v.to;
    },
  },
} as const satisfies Record<RuleConditionKind, unknown>;
export type ConditionKind = keyof typeof CONDITIONS;

/** Then: the action registry. `emits` is what the action makes happen, which the loop check follows. */
export const ACTIONS = {
  assignAgent: { schema: z.object({ agentId: z.string().min(1) }), emits: ['case.assigned'] },
  assignTeam: { schema: z.object({ teamId: z.string().min(1) }), emits: ['case.assigned'] },
  tag: { schema: z.object({ name: z.string().min(1).max(60) }), emits: ['case.tagged'] },
  setPriority: { schema: z.object({ priority: z.number().int().min(1).max(4) }), emits: ['case.priority_changed'] },
  /** Holds the case's SLA clocks to the targets of this priority's policy, whatever its own priority. */
  applySla: { schema: z.object({ priority: z.number().int().min(1).max(4) }), emits: [] },
  /** The case's composer shows this saved reply first. */
  suggestTemplate: { schema: z.object({ templateId: z.string().min(1) }), emits: [] },
  markSpam: { schema: z.object({}), emits: [] },
  /** Links the case to an open incident (F22): this one, or without an id the best match by shared words. */
  linkIncident: { schema: z.object({ incidentId: z.string().min(1).optional() }), emits: [] },
} as const satisfies Record<RuleActionKind, { schema: z.ZodType; emits: readonly RuleEvent[] }>;
export type ActionKind = keyof typeof ACTIONS;

const conditionSchema = z
  .object({ kind: z.enum(Object.keys(CONDITIONS) as [ConditionKind, ...ConditionKind[]]), value: z.unknown() })
  .superRefine((c, ctx) => {
    const parsed = CONDITIONS[c.kind].schema.safeParse(c.value);
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: `${c.kind}: ${parsed.error.issues[0]?.message}` });
  });
const actionSchema = z
  .object({ kind: z.enum(Object.keys(ACTIONS) as [ActionKind, ...ActionKind[]]), value: z.unknown() })
  .superRefine((a, ctx) => {
    const parsed = ACTIONS[a.kind].schema.safeParse(a.value ?? {});
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: `${a.kind}: ${parsed.error.issues[0]?.message}` });
  });

export const ruleInputSchema = z.object({
  name: z.string().min(1).max(120),
  event: z.enum(RULE_EVENTS),
  /** All must hold (an empty list always matches). */
  conditions: z.array(conditionSchema).max(20),
  actions: z.array(actionSchema).min(1).max(10),
  enabled: z.boolean().default(true),
  /** Later rules do not run for this event once this one matched. */
  stop: z.boolean().default(false),
});
export type RuleInput = z.infer<typeof ruleInputSchema>;
export type RuleCondition = RuleInput['conditions'][number];
export type RuleAction = RuleInput['actions'][number];

/** Why a rule is set aside at run time, since when, and on how many pages it failed. */
export interface RuleFailing {
  since: string;
  error: string;
  count: number;
}

export interface Rule extends RuleInput {
  id: string;
  position: number;
  /** Null while the rule runs cleanly. */
  failing?: RuleFailing | null;
}
