import { z } from 'zod';
import { isoDateTimeSchema } from './cases.ts';

/** The audit trail (F28): who changed which setting, credential, agent, token or webhook, and sign-ins. */
export const auditActorTypeSchema = z.enum(['agent', 'system', 'api_token', 'anonymous']);
export type AuditActorType = z.infer<typeof auditActorTypeSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  occurredAt: isoDateTimeSchema,
  /** Namespaced, past tense: `template.updated`, `auth.signed_in`. */
  action: z.string(),
  actor: z.object({
    type: auditActorTypeSchema,
    id: z.string().nullable(),
    /** Email or token name as it was at the time. */
    label: z.string().nullable(),
  }),
  subject: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  /** JSON values, secrets already removed. */
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type AuditList = z.infer<typeof auditListSchema>;

export const auditQuerySchema = z.object({
  /** An action or its prefix: `template` matches `template.updated`. */
  action: z.string().trim().max(100).optional(),
  /** Part of the actor's email or token name, or the actor's id. */
  actor: z.string().trim().max(320).optional(),
  subjectType: z.string().trim().max(60).optional(),
  /** ISO date-times, inclusive. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;
