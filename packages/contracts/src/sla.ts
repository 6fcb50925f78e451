import { z } from 'zod';

/** Business hours and SLA clocks (F18): schedules, holidays, policies per priority, clocks, breach alerts. */

/** `HH:mm`, 00:00–24:00. */
export const clockTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/);

export const openIntervalSchema = z
  .object({ start: clockTimeSchema, end: clockTimeSchema })
  .refine((value) => value.start < value.end, { message: 'An interval ends after it starts', path: ['end'] });
export type OpenInterval = z.infer<typeof openIntervalSchema>;

export const holidaySchema = z.object({
  /** A local date in the schedule's time zone, YYYY-MM-DD. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  name: z.string().trim().max(80).default(''),
});
export type Holiday = z.infer<typeof holidaySchema>;

export const businessHoursSchema = z.object({
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone: z.string().min(1).max(64),
  /** Seven days, Monday first; each day's open intervals in local time. */
  week: z.array(z.array(openIntervalSchema).max(6)).length(7),
  holidays: z.array(holidaySchema).max(400),
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

/** A workspace's hours (teamId null) or a team's own hours. */
export const businessHoursSettingsSchema = z.object({
  /** null while the workspace has not set hours: every clock then runs around the clock. */
  workspace: businessHoursSchema.nullable(),
  teams: z.array(z.object({ teamId: z.string(), teamName: z.string(), hours: businessHoursSchema })),
});
export type BusinessHoursSettings = z.infer<typeof businessHoursSettingsSchema>;

export const slaMetricSchema = z.enum(['first_response', 'next_response', 'resolution']);
export type SlaMetric = z.infer<typeof slaMetricSchema>;

export const slaPolicySchema = z.object({
  priority: z.number().int().min(1).max(4),
  /** Minutes; null means no target for that metric. */
  firstResponseMinutes: z.number().int().min(1).max(525_600),
  nextResponseMinutes: z.number().int().min(1).max(525_600).nullable(),
  resolutionMinutes: z.number().int().min(1).max(525_600).nullable(),
  /** Counted in business hours (true) or around the clock (false). */
  businessHours: z.boolean(),
  /** Clocks stop while the case is pending on the customer or snoozed. */
  pauseWhenPending: z.boolean(),
  /** Away periods (F20) are not counted: clocks stop while the desk is away. */
  pauseDuringAbsence: z.boolean().default(false),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export const slaPoliciesSchema = z.object({ policies: z.array(slaPolicySchema).length(4) });
export type SlaPolicies = z.infer<typeof slaPoliciesSchema>;

/** A queue row or case shows its most urgent live clock. */
export const slaClockStateSchema = z.enum(['running', 'paused', 'breached']);
export type SlaClockState = z.infer<typeof slaClockStateSchema>;

export const caseSlaSchema = z.object({
  metric: slaMetricSchema,
  state: slaClockStateSchema,
  /** When the target falls due (wall clock); null while paused. */
  dueAt: z.string().nullable(),
  /** While paused: the time left, counted as the policy counts (business or clock time). */
  remainingMs: z.number().nullable(),
  breachedAt: z.string().nullable(),
  businessHours: z.boolean(),
});
export type CaseSla = z.infer<typeof caseSlaSchema>;

/** A case appears in "Breaching soon" when a running clock falls due within this window. */
export const slaBreachingSoonMs = 30 * 60_000;

export const slaAlertSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  metric: slaMetricSchema,
  priority: z.number().int().nullable(),
  dueAt: z.string(),
  contactName: z.string(),
  preview: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type SlaAlert = z.infer<typeof slaAlertSchema>;
export const slaAlertListSchema = z.object({ alerts: z.array(slaAlertSchema), unread: z.number().int() });
export type SlaAlertList = z.infer<typeof slaAlertListSchema>;

export const saveBusinessHoursRequestSchema = z.object({
  /** null (the default): the workspace's hours; else a team's own. */
  teamId: z.string().max(100).nullable().default(null),
  /** null clears them (a team then follows the workspace; the workspace counts around the clock). */
  hours: businessHoursSchema.nullable(),
});
export type SaveBusinessHoursRequest = z.input<typeof saveBusinessHoursRequestSchema>;
