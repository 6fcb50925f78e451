import { z } from 'zod';

/** Triage (F10), rules (F11) and the workspace model retrained from agents' corrections. */

export const messageTypeSchema = z.enum(['complaint', 'question', 'praise', 'other']);
export type MessageTypeValue = z.infer<typeof messageTypeSchema>;
export const sentimentSchema = z.enum(['negative', 'neutral', 'positive']);
export const prioritySchema = z.number().int().min(1).max(4);

const points = z.number().int().min(-5).max(10);
/**
 * The editable mapping from triage to priority: points per type, sentiment, urgency cue and customer signal;
 * the sum picks P1–P4 through the thresholds.
 */
export const priorityPolicySchema = z.object({
  type: z.object({ complaint: points, question: points, praise: points, other: points }),
  sentiment: z.object({ negative: points, neutral: points, positive: points }),
  /** Points per urgency cue id; cues absent here count 0. */
  cues: z.record(z.string(), points),
  customer: z.object({
    /** Points when the author has at least this many followers. */
    followers: z.array(z.object({ atLeast: z.number().int().min(0), points })).max(10),
    verified: points,
    repeatContact: points,
  }),
  /**
   * The workspace's own words per urgency cue id (fr or en), matched as whole words, case-insensitive, on top
   * of the built-in patterns: "coupure fibre", "lag".
   */
  words: z.record(z.string(), z.array(z.string().trim().min(2).max(60)).max(50)).default({}),
  /** Minimum points for P1, P2 and P3; anything below is P4. */
  thresholds: z
    .object({ p1: z.number().int(), p2: z.number().int(), p3: z.number().int() })
    .refine((t) => t.p1 > t.p2 && t.p2 > t.p3, 'thresholds must decrease from P1 to P3'),
});
export type PriorityPolicyDto = z.infer<typeof priorityPolicySchema>;

export const urgencyCueSchema = z.object({
  id: z.string(),
  /** Words and phrases that raise the cue, as written in cues.ts (fr + en). */
  patterns: z.array(z.string()),
});
export const priorityPolicyResponseSchema = z.object({
  policy: priorityPolicySchema,
  /** The urgency cues the classifier knows, so every one can be weighted. */
  cues: z.array(urgencyCueSchema).default([]),
  defaults: priorityPolicySchema.optional(),
});
export type PriorityPolicyResponse = z.infer<typeof priorityPolicyResponseSchema>;

export const classificationSchema = z.object({
  type: messageTypeSchema,
  sentiment: sentimentSchema,
  language: z.string(),
  urgency: z.array(z.string()),
  scores: z.object({
    type: z.record(z.string(), z.number()),
    sentiment: z.record(z.string(), z.number()),
    language: z.number(),
  }),
});
export const priorityDecisionSchema = z.object({
  priority: prioritySchema,
  points: z.number(),
  reason: z.string(),
});
export const sampleTriageSchema = z.object({
  classification: classificationSchema,
  priority: priorityDecisionSchema,
});
export type SampleTriage = z.infer<typeof sampleTriageSchema>;

export const samplePostSchema = z.object({
  text: z.string().min(1).max(4000),
  followers: z.number().int().min(0).optional(),
  verified: z.boolean().optional(),
  repeatContact: z.boolean().optional(),
  channelId: z.string().max(100).default(''),
  visibility: z.enum(['public', 'direct']).default('public'),
});
export type SamplePost = z.input<typeof samplePostSchema>;

// ---- Rules ----

export const ruleEventSchema = z.enum([
  'message.received',
  'case.opened',
  'sla.breached',
  'case.assigned',
  'case.tagged',
  'case.priority_changed',
]);
export type RuleEventValue = z.infer<typeof ruleEventSchema>;
export const ruleConditionKindSchema = z.enum([
  'words',
  'type',
  'sentiment',
  'language',
  'urgency',
  'priority',
  'channel',
  'visibility',
  'followers',
  'verified',
  'timeOfDay',
]);
export type RuleConditionKind = z.infer<typeof ruleConditionKindSchema>;
export const ruleActionKindSchema = z.enum([
  'assignAgent',
  'assignTeam',
  'tag',
  'setPriority',
  'applySla',
  'suggestTemplate',
  'markSpam',
  'linkIncident',
]);
export type RuleActionKind = z.infer<typeof ruleActionKindSchema>;

export const ruleConditionDtoSchema = z.object({ kind: ruleConditionKindSchema, value: z.unknown() });
export const ruleActionDtoSchema = z.object({ kind: ruleActionKindSchema, value: z.unknown() });
export type RuleConditionDto = z.infer<typeof ruleConditionDtoSchema>;
export type RuleActionDto = z.infer<typeof ruleActionDtoSchema>;

export const ruleDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  event: ruleEventSchema,
  conditions: z.array(ruleConditionDtoSchema),
  actions: z.array(ruleActionDtoSchema),
  enabled: z.boolean(),
  stop: z.boolean(),
  position: z.number().int(),
  /** Set while the rule is set aside at run time (a stored value that no longer holds, a deleted reference). */
  failing: z.object({ since: z.string(), error: z.string(), count: z.number().int() }).nullable().optional(),
});
export type RuleDto = z.infer<typeof ruleDtoSchema>;
export type RuleDraft = Omit<RuleDto, 'id' | 'position' | 'failing'>;
export const ruleListSchema = z.object({ rules: z.array(ruleDtoSchema) });

export const ruleTestResultSchema = sampleTriageSchema.extend({
  matches: z.boolean(),
  /** Each condition of the draft, in order, and whether it held for the sample. */
  conditions: z.array(z.object({ kind: ruleConditionKindSchema, value: z.unknown(), matched: z.boolean() })),
  /** What the rule would do (empty when it does not match). */
  actions: z.array(ruleActionDtoSchema),
  /** Why the rule would be refused on save (it could trigger itself), or null. */
  loop: z.string().nullable(),
  /** The event tested, when the rule would not even run for it. */
  eventMismatch: z.boolean().default(false),
});
export type RuleTestResult = z.infer<typeof ruleTestResultSchema>;

export const templateSuggestionsSchema = z.object({
  templates: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      shortcut: z.string(),
      body: z.string(),
      language: z.enum(['fr', 'en']).nullable(),
      rule: z.string().nullable(),
    }),
  ),
});
export type TemplateSuggestions = z.infer<typeof templateSuggestionsSchema>;

// ---- Corrections and the workspace model ----

export const triageCorrectionRequestSchema = z
  .object({ type: messageTypeSchema.optional(), priority: prioritySchema.optional() })
  .refine((r) => r.type !== undefined || r.priority !== undefined, 'give a type, a priority or both');
export type TriageCorrectionRequest = z.infer<typeof triageCorrectionRequestSchema>;

export const caseTriageSchema = z.object({
  caseId: z.string(),
  type: messageTypeSchema.nullable(),
  priority: prioritySchema.nullable(),
  reason: z.string().nullable(),
  /** Set by the rule action "apply SLA policy": the priority whose targets the case's clocks use. */
  slaPriority: prioritySchema.nullable(),
  /** The text the next correction will be recorded against (the post that set the triage). */
  labelledText: z.string().nullable(),
});
export type CaseTriage = z.infer<typeof caseTriageSchema>;

export const triageLabelSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  text: z.string(),
  kind: z.enum(['type', 'priority', 'sentiment', 'complaint']),
  label: z.string(),
  previous: z.string().nullable(),
  agentName: z.string().nullable(),
  createdAt: z.string(),
  split: z.enum(['train', 'heldout']),
  /** A case correction, or an answer in the help-triage queue. */
  source: z.enum(['correction', 'help']).default('correction'),
});
export type TriageLabel = z.infer<typeof triageLabelSchema>;

const figureSchema = z.object({
  n: z.number().int(),
  current: z.number().nullable(),
  candidate: z.number().nullable(),
});
export type ModelFigure = z.infer<typeof figureSchema>;
export const modelMetricsSchema = z.object({
  /** The model the candidate was compared with: a workspace model id, or null for the shipped one. */
  currentModelId: z.string().nullable(),
  correctionsTypeAccuracy: figureSchema,
  correctionsPriorityAccuracy: figureSchema,
  /** Airline complaint-vs-rest F1 on the shipped evaluation set; null without the data folder. */
  shippedComplaintF1: figureSchema.nullable(),
  /** Held-out sentiment labels: accuracy (absent in figures recorded before sentiment learned). */
  correctionsSentimentAccuracy: figureSchema.optional(),
  /** Held-out complaint answers (and those type labels imply): complaint-vs-rest F1. */
  correctionsComplaintF1: figureSchema.optional(),
  verdict: z.enum(['better', 'worse', 'mixed', 'same', 'unknown']),
  /** For a retrain that started by itself: whether the desk switched to it, and why (or why not). */
  autoSwitch: z
    .object({ switched: z.boolean(), reason: z.string(), gain: z.number().nullable(), heldOut: z.number().int() })
    .optional(),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export const triageModelSchema = z.object({
  id: z.string(),
  status: z.enum(['training', 'ready', 'failed']),
  active: z.boolean(),
  /** Who started it: a lead, the nightly round, or the Nth new label. */
  trigger: z.enum(['lead', 'nightly', 'corrections']).default('lead'),
  /** A sentiment model was retrained too (the workspace has sentiment labels). */
  sentimentRetrained: z.boolean().default(false),
  sha256: z.string().nullable(),
  bytes: z.number().nullable(),
  training: z
    .object({
      base: z.enum(['full', 'repository']),
      examples: z.number().int(),
      correctionsUsed: z.number().int(),
      correctionsHeldOut: z.number().int(),
      labels: z.record(z.string(), z.number()),
      seconds: z.number(),
    })
    .nullable(),
  metrics: modelMetricsSchema.nullable(),
  error: z.string().nullable(),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  /** The file is gone from the data folder: the shipped model classifies instead. */
  fileMissing: z.boolean(),
});
export type TriageModel = z.infer<typeof triageModelSchema>;

export const triageModelsSchema = z.object({
  activeModelId: z.string().nullable(),
  models: z.array(triageModelSchema),
  labels: z.object({
    type: z.number().int(),
    priority: z.number().int(),
    heldOut: z.number().int(),
    recent: z.array(triageLabelSchema),
  }),
});
export type TriageModels = z.infer<typeof triageModelsSchema>;

// ---- The help-triage queue: the recent posts the model is least sure about, one key per answer ----

export const helpTriageItemSchema = z.object({
  messageId: z.string(),
  caseId: z.string().nullable(),
  text: z.string(),
  createdAt: z.string(),
  /** What the model says now, and how sure it is that the post is (or is not) a complaint (0.5 = unsure). */
  type: messageTypeSchema,
  complaintProbability: z.number(),
});
export type HelpTriageItem = z.infer<typeof helpTriageItemSchema>;
export const helpTriageQueueSchema = z.object({ items: z.array(helpTriageItemSchema), answered: z.number().int() });
export type HelpTriageQueue = z.infer<typeof helpTriageQueueSchema>;
export const helpTriageAnswerSchema = z.object({ messageId: z.string().min(1).max(100), type: messageTypeSchema });
export type HelpTriageAnswer = z.infer<typeof helpTriageAnswerSchema>;

export const retrainResponseSchema = z.object({ id: z.string() });
