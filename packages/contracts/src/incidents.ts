import { z } from 'zod';
import { scheduledPostSchema } from './scheduled-posts.ts';

/**
 * Incidents (F22): an outage or known issue. Its status post goes out once; complaints are linked to it
 * (suggested by shared words and timing, confirmed by an agent or a rule); resolving it answers every linked
 * case once with one templated reply.
 */
export const incidentStatusSchema = z.enum(['open', 'resolved']);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

/** Variables a resolution reply may use; each is filled per case. */
export const incidentReplyVariables = [
  'customer.name',
  'customer.firstName',
  'customer.handle',
  'agent.name',
  'agent.firstName',
  'agent.initials',
  'incident.title',
] as const;

const agentRefSchema = z.object({ id: z.string(), name: z.string() });

export const incidentSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: incidentStatusSchema,
  declaredAt: z.string(),
  resolvedAt: z.string().nullable(),
  linkedCount: z.number().int(),
  /** Resolution replies sent / failed so far (after the incident is resolved). */
  repliesSent: z.number().int(),
  repliesFailed: z.number().int(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

export const incidentListSchema = z.object({ incidents: z.array(incidentSummarySchema) });
export type IncidentList = z.infer<typeof incidentListSchema>;

export const incidentReplyStatusSchema = z.enum(['none', 'queued', 'sending', 'sent', 'failed', 'skipped']);
export type IncidentReplyStatus = z.infer<typeof incidentReplyStatusSchema>;

export const incidentCaseSchema = z.object({
  caseId: z.string(),
  preview: z.string(),
  caseStatus: z.enum(['open', 'pending', 'snoozed', 'resolved']),
  contact: z.object({ name: z.string(), handle: z.string().nullable() }),
  linkedBy: z.enum(['agent', 'rule']),
  linkedByAgent: agentRefSchema.nullable(),
  linkedAt: z.string(),
  reply: z.object({
    status: incidentReplyStatusSchema,
    messageId: z.string().nullable(),
    url: z.string().nullable(),
    /** Why no reply went out (sent as `skipped` or `failed`). */
    error: z.string().nullable(),
  }),
});
export type IncidentCase = z.infer<typeof incidentCaseSchema>;

export const incidentSuggestionSchema = z.object({
  caseId: z.string(),
  contact: z.object({ name: z.string(), handle: z.string().nullable() }),
  /** The customer's latest message, shown as text. */
  text: z.string(),
  receivedAt: z.string(),
  /** The incident keywords found in the message. */
  matchedWords: z.array(z.string()),
  score: z.number(),
});
export type IncidentSuggestion = z.infer<typeof incidentSuggestionSchema>;
export const incidentSuggestionListSchema = z.object({ suggestions: z.array(incidentSuggestionSchema) });

export const incidentTimelineEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  at: z.string(),
  actor: agentRefSchema.nullable(),
  caseId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type IncidentTimelineEntry = z.infer<typeof incidentTimelineEntrySchema>;

export const incidentDetailSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
  status: incidentStatusSchema,
  resolutionText: z.string(),
  statusPost: scheduledPostSchema.nullable(),
  declaredBy: agentRefSchema.nullable(),
  declaredAt: z.string(),
  resolvedBy: agentRefSchema.nullable(),
  resolvedAt: z.string().nullable(),
  cases: z.array(incidentCaseSchema),
  timeline: z.array(incidentTimelineEntrySchema),
});
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

export const declareIncidentSchema = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5_000).default(''),
  /** Words that suggest a complaint is about this incident; derived from the title when empty. */
  keywords: z.array(z.string().trim().min(2).max(50)).max(30).default([]),
  /** The status post: both or neither. */
  statusPost: z
    .object({
      channelId: z.string().min(1).max(100),
      text: z.string().max(5_000),
      /** ISO date-time; absent means now. */
      publishAt: z.iso.datetime({ offset: true }).optional(),
    })
    .nullable()
    .default(null),
  resolutionText: z.string().trim().min(1).max(5_000),
});
export type DeclareIncident = z.input<typeof declareIncidentSchema>;

export const updateIncidentSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(5_000).optional(),
  keywords: z.array(z.string().trim().min(2).max(50)).max(30).optional(),
  resolutionText: z.string().trim().min(1).max(5_000).optional(),
  /** A note for the timeline ("fix deployed, monitoring"). */
  note: z.string().trim().max(2_000).optional(),
});
export type UpdateIncident = z.infer<typeof updateIncidentSchema>;

export const linkIncidentCaseSchema = z.object({ caseId: z.string().min(1).max(100) });

/** What a case shows of the incidents it belongs to (banner) and could belong to (suggestion). */
export const caseIncidentsSchema = z.object({
  linked: z.array(z.object({ id: z.string(), title: z.string(), status: incidentStatusSchema })),
  suggested: z.array(
    z.object({ id: z.string(), title: z.string(), matchedWords: z.array(z.string()), score: z.number() }),
  ),
  /** Other open incidents, for a link the words did not suggest. */
  otherOpen: z.array(z.object({ id: z.string(), title: z.string() })),
});
export type CaseIncidents = z.infer<typeof caseIncidentsSchema>;
