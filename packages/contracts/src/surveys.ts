import { z } from 'zod';

/**
 * Satisfaction survey (F25): after a case is resolved, one direct message asks the customer for a 1–5
 * rating and a comment; the answer lands on the case and in the reports.
 */
const surveyTemplate = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine((text) => /[1-5]/.test(text), { message: 'The question must show the scale (1 to 5).' });

export const surveySettingsSchema = z.object({
  /** Off by default. */
  enabled: z.boolean(),
  /** The question, per language of the customer (their last post's language; English otherwise). */
  templates: z.object({ fr: surveyTemplate, en: surveyTemplate }),
});
export type SurveySettings = z.infer<typeof surveySettingsSchema>;

export const surveySettingsResponseSchema = z.object({
  settings: surveySettingsSchema,
  defaults: surveySettingsSchema.shape.templates,
});
export type SurveySettingsResponse = z.infer<typeof surveySettingsResponseSchema>;

export const satisfactionReportSchema = z.object({
  /** Surveys sent in the period, and of those answered with a rating. */
  sent: z.number().int(),
  answered: z.number().int(),
  responseRate: z.number().nullable(),
  /** Mean rating (1–5) of the answers; null without answers. */
  average: z.number().nullable(),
  /** Share of answers rated 4 or 5 (CSAT). */
  satisfiedShare: z.number().nullable(),
  /** Answers per rating, 1 to 5. */
  distribution: z.array(z.object({ rating: z.number().int(), count: z.number().int() })),
  /** The latest comments of the period (newest first), stored as the customers wrote them. */
  comments: z.array(z.object({ caseId: z.string(), rating: z.number().int(), comment: z.string(), at: z.string() })),
});
export type SatisfactionReport = z.infer<typeof satisfactionReportSchema>;
