import { z } from 'zod';

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
  daily: z.array(z.object({ day: z.string(), opened: z.number().int(), answered: z.number().int() })),
  agents: z.array(agentReportRowSchema),
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
