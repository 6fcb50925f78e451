import { z } from 'zod';
import { satisfactionReportSchema } from './surveys.ts';

/**
 * Reports (F24). Every figure is computed from what the desk records; the written definitions live in the
 * web app's `reports.definitions` texts and in apps/server/src/modules/reports/README.md.
 */

export const reportQuerySchema = z.object({
  /** Start of the period (inclusive), ISO 8601. */
  from: z.iso.datetime({ offset: true }),
  /** End of the period (exclusive), ISO 8601. The comparison period is the same length just before. */
  to: z.iso.datetime({ offset: true }),
  /** IANA time zone for the hour × weekday heat map and the daily series (default: UTC). */
  timeZone: z.string().min(1).max(64).optional(),
  channelId: z.string().min(1).max(100).optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** Summary of a set of durations, in milliseconds; null when the set is empty. */
export const durationStatsSchema = z.object({
  count: z.number().int(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
  meanMs: z.number().nullable(),
  /** Share (0–1) under 15 minutes and under 1 hour. */
  under15m: z.number().nullable(),
  under1h: z.number().nullable(),
});
export type DurationStats = z.infer<typeof durationStatsSchema>;

export const RESPONSE_BUCKETS = ['lt5m', 'lt15m', 'lt1h', 'lt4h', 'lt24h', 'gte24h'] as const;
export const responseBucketSchema = z.enum(RESPONSE_BUCKETS);
export type ResponseBucket = z.infer<typeof responseBucketSchema>;

export const slaReportRowSchema = z.object({
  metric: z.enum(['first_response', 'next_response', 'resolution']),
  priority: z.number().int(),
  /** Clocks started on the period's cases. */
  clocks: z.number().int(),
  /** Stopped before their due time. */
  met: z.number().int(),
  /** Went past their due time (stopped since or not). */
  breached: z.number().int(),
  /** met / (met + breached); null while none is decided. */
  compliance: z.number().nullable(),
});
export type SlaReportRow = z.infer<typeof slaReportRowSchema>;

export const reportPeriodSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Cases opened in the period. */
  opened: z.number().int(),
  /** Of those, cases with a customer post that is not praise only. */
  needingAnswer: z.number().int(),
  /** Of those needing an answer, cases that got at least one reply. */
  answered: z.number().int(),
  /** answered / needingAnswer; null when nothing needed an answer. */
  responseRate: z.number().nullable(),
  resolved: z.number().int(),
  /** Cases opened in the period and reopened at least once. */
  reopened: z.number().int(),
  /** reopened / cases resolved at least once. */
  reopenRate: z.number().nullable(),
  firstResponse: durationStatsSchema,
  nextResponse: durationStatsSchema,
  resolution: durationStatsSchema,
  /** First-response times of the period's cases, by bucket. */
  distribution: z.array(z.object({ bucket: responseBucketSchema, count: z.number().int() })),
  /** First response counted in business hours only (the case's team's hours, else the workspace's). */
  firstResponseBusiness: durationStatsSchema,
  /** SLA clocks of the period's cases, per metric and priority. */
  sla: z.array(slaReportRowSchema),
  /** Met over decided (met + breached) first-response clocks, all priorities; null when none decided. */
  slaCompliance: z.number().nullable(),
});
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

export const volumeRowSchema = z.object({
  /** Type, sentiment, language code, priority (`1`–`4`), channel id; `none` when not known. */
  key: z.string(),
  label: z.string(),
  count: z.number().int(),
});
export type VolumeRow = z.infer<typeof volumeRowSchema>;

export const agentReportRowSchema = z.object({
  /** null: cases nobody was assigned. */
  agentId: z.string().nullable(),
  name: z.string().nullable(),
  /** Cases opened in the period and assigned to the agent. */
  assigned: z.number().int(),
  answered: z.number().int(),
  resolved: z.number().int(),
  medianFirstResponseMs: z.number().nullable(),
  /** Replies the agent sent in the period (any case). */
  repliesSent: z.number().int(),
});
export type AgentReportRow = z.infer<typeof agentReportRowSchema>;

export const teamReportRowSchema = z.object({
  /** null: cases with no team. */
  teamId: z.string().nullable(),
  name: z.string().nullable(),
  opened: z.number().int(),
  needingAnswer: z.number().int(),
  answered: z.number().int(),
  responseRate: z.number().nullable(),
  resolved: z.number().int(),
  medianFirstResponseMs: z.number().nullable(),
  under1h: z.number().nullable(),
});
export type TeamReportRow = z.infer<typeof teamReportRowSchema>;

export const spendReportRowSchema = z.object({
  channelId: z.string(),
  label: z.string(),
  /** X API spend on the period's UTC days, US dollars. */
  periodUsd: z.number(),
  /** The channel's monthly budget, and that budget pro rata to the period's length. */
  monthlyBudgetUsd: z.number().nullable(),
  budgetForPeriodUsd: z.number().nullable(),
  /** periodUsd / budgetForPeriodUsd; null without a budget. */
  shareOfBudget: z.number().nullable(),
});
export type SpendReportRow = z.infer<typeof spendReportRowSchema>;

export const incidentReportRowSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['open', 'resolved']),
  declaredAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** Cases linked to the incident, and of those answered. */
  linkedCases: z.number().int(),
  answeredCases: z.number().int(),
});
export type IncidentReportRow = z.infer<typeof incidentReportRowSchema>;

export const reportSchema = z.object({
  timeZone: z.string(),
  current: reportPeriodSchema,
  previous: reportPeriodSchema,
  volume: z.object({
    byType: z.array(volumeRowSchema),
    /** Inbound posts of the period (sentiment and language are per post). */
    bySentiment: z.array(volumeRowSchema),
    byLanguage: z.array(volumeRowSchema),
    byPriority: z.array(volumeRowSchema),
    byChannel: z.array(volumeRowSchema),
  }),
  /** Cases opened, [weekday 0 = Monday][hour 0–23], in `timeZone`. */
  heatmap: z.array(z.array(z.number().int())),
  /** Per local day of the period: cases opened and, of those, answered. */
  daily: z.array(
    z.object({
      day: z.string(),
      opened: z.number().int(),
      answered: z.number().int(),
      /** First-response SLA clocks of the day's cases, met and breached. */
      slaMet: z.number().int(),
      slaBreached: z.number().int(),
    }),
  ),
  agents: z.array(agentReportRowSchema),
  teams: z.array(teamReportRowSchema),
  /** X API spend against budget per channel (F4). */
  spend: z.array(spendReportRowSchema),
  /** Incidents declared in the period or still open during it, with their linked cases (F22). */
  incidents: z.array(incidentReportRowSchema),
  /** Satisfaction survey answers of the surveys sent in the period, and the previous period's (F25). */
  satisfaction: satisfactionReportSchema,
  previousSatisfaction: satisfactionReportSchema,
  /** How long the server took to compute this report. */
  computedInMs: z.number(),
});
export type Report = z.infer<typeof reportSchema>;

/**
 * Published benchmarks the headline numbers are set against (sources in the product's definitions):
 * share of social complaints answered, average brand response time, what customers expect, best in class.
 */
export const PUBLISHED_BENCHMARKS = {
  answeredShare: 0.4,
  averageResponseMs: 5 * 3_600_000,
  customerExpectationMs: 3_600_000,
  bestInClassMs: 15 * 60_000,
} as const;
