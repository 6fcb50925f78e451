import { z } from 'zod';

/** Staffing forecast (F26): agents needed per hour of the week, from the desk's own history (Erlang C). */
export const staffingQuerySchema = z.object({
  /** Full weeks of arrival history to average (default 4). */
  weeks: z.coerce.number().int().min(1).max(26).optional(),
  /** Share of customers to answer within the target (default 0.8). */
  targetShare: z.coerce.number().min(0.5).max(0.99).optional(),
  /** First-response target in minutes (default: the P3 first-response SLA target). */
  targetMinutes: z.coerce.number().int().min(1).max(1440).optional(),
  /** Handling time per case in minutes, to try another value than the measured one. */
  handleMinutes: z.coerce.number().min(0.5).max(240).optional(),
  timeZone: z.string().min(1).max(64).optional(),
});
export type StaffingQuery = z.infer<typeof staffingQuerySchema>;

export const staffingForecastSchema = z.object({
  timeZone: z.string(),
  weeks: z.number().int(),
  /** [from, to) of the history read. */
  from: z.string(),
  to: z.string(),
  targetShare: z.number(),
  targetMs: z.number(),
  handleMs: z.number(),
  /** measured: from the agents' reply cadence; given: the query's; default: no history to measure. */
  handleSource: z.enum(['measured', 'given', 'default']),
  /** Replies the measure rests on. */
  handleSample: z.number().int(),
  /** [weekday 0 = Monday][hour]: mean cases opened per hour, agents needed, agents on the rota. */
  arrivals: z.array(z.array(z.number())),
  needed: z.array(z.array(z.number().int())),
  rota: z.array(z.array(z.number().int())),
  /** Where the rota comes from: business hours × active agents, or every agent around the clock. */
  rotaSource: z.enum(['business_hours', 'around_the_clock']),
});
export type StaffingForecast = z.infer<typeof staffingForecastSchema>;
