import { z } from 'zod';
import { localeSchema } from './enums.ts';

/** Away periods (F20), greetings and welcome DMs (F21). Times are ISO 8601 instants. */
export const absenceKindSchema = z.enum(['end_of_day', 'holidays', 'incident']);
export type AbsenceKind = z.infer<typeof absenceKindSchema>;

export const absenceStatusSchema = z.enum(['planned', 'active', 'ended', 'cancelled']);
export type AbsenceStatus = z.infer<typeof absenceStatusSchema>;

export const absencePeriodSchema = z.object({
  id: z.string(),
  kind: absenceKindSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  note: z.string().nullable(),
  channelId: z.string().nullable(),
  status: absenceStatusSchema,
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Customers answered with the away message during this period. */
  answered: z.number().int(),
  /** Cases that heard from a customer during this period. */
  cases: z.number().int(),
  createdAt: z.string(),
});
export type AbsencePeriod = z.infer<typeof absencePeriodSchema>;

export const absenceOverviewSchema = z.object({
  /** The period under way, if any: the desk shows a banner. */
  active: absencePeriodSchema.nullable(),
  periods: z.array(absencePeriodSchema),
});
export type AbsenceOverview = z.infer<typeof absenceOverviewSchema>;

const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'Not a date.');

export const createAbsenceRequestSchema = z.object({
  kind: absenceKindSchema,
  /** Omitted: starts now. */
  startsAt: instant.optional(),
  endsAt: instant,
  note: z.string().max(500).nullable().default(null),
  /** The channel that publishes the status post; null: no status post. Omitted: the first channel. */
  channelId: z.string().nullable().optional(),
});
export type CreateAbsenceRequest = z.input<typeof createAbsenceRequestSchema>;

export const timeSettingsSchema = z.object({
  /** The language of the status posts, away messages, greetings and welcome DMs. */
  language: localeSchema,
  absence: z.object({
    /** Variables: {{returnTime}}, {{note}}. */
    statusPostTemplate: z.string().min(1).max(1000),
    /** Variables: {{returnTime}}, {{name}}. */
    awayMessageTemplate: z.string().min(1).max(2000),
  }),
  greetings: z.object({
    enabled: z.boolean(),
    /** Channels that post the greetings; empty: every connected channel. */
    channelIds: z.array(z.string()).max(50),
    /** Variables: {{date}}, {{openTime}}, {{closeTime}}; must name {{date}} (X refuses a repeated post). */
    openTemplate: z.string().min(1).max(1000),
    /** Variables: {{date}}, {{closeTime}}, {{nextOpenTime}}; must name one of {{date}}, {{nextOpenTime}}. */
    closeTemplate: z.string().min(1).max(1000),
  }),
  welcome: z.object({
    enabled: z.boolean(),
    /** Variables: {{name}}, {{handle}}. */
    template: z.string().min(1).max(2000),
    perHour: z.number().int().min(1).max(1000),
  }),
});
export type TimeSettings = z.infer<typeof timeSettingsSchema>;

export const timeSettingsResponseSchema = z.object({
  settings: timeSettingsSchema,
  /** The default texts in each language, for "use the French / English texts". */
  defaults: z.object({ fr: timeSettingsSchema, en: timeSettingsSchema }),
});
export type TimeSettingsResponse = z.infer<typeof timeSettingsResponseSchema>;
