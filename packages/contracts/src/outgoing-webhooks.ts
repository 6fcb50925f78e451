import { z } from 'zod';
import { isoDateTimeSchema } from './cases.ts';

/** Outgoing webhooks (F29): the desk tells another system what happened, signed, retried, logged. */
export const outgoingWebhookEventSchema = z.enum([
  'case.created',
  'message.received',
  'reply.sent',
  'case.resolved',
  'sla.breached',
]);
export type OutgoingWebhookEvent = z.infer<typeof outgoingWebhookEventSchema>;

export const outgoingWebhookDeliveryStatusSchema = z.enum(['delivered', 'failed', 'abandoned']);
export type OutgoingWebhookDeliveryStatus = z.infer<typeof outgoingWebhookDeliveryStatusSchema>;

export const outgoingWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(outgoingWebhookEventSchema),
  /** Loopback, private and plain-http addresses allowed (a receiver on the desk's own network). */
  allowPrivate: z.boolean(),
  enabled: z.boolean(),
  /** Failed attempts in a row. */
  failureCount: z.number().int(),
  /** `too_many_failures` when the desk switched it off by itself; null otherwise. */
  disabledReason: z.string().nullable(),
  disabledAt: isoDateTimeSchema.nullable(),
  createdAt: isoDateTimeSchema,
  lastAttempt: z
    .object({
      status: outgoingWebhookDeliveryStatusSchema,
      at: isoDateTimeSchema,
      responseStatus: z.number().int().nullable(),
    })
    .nullable(),
});
export type OutgoingWebhook = z.infer<typeof outgoingWebhookSchema>;

export const outgoingWebhookListSchema = z.object({
  webhooks: z.array(outgoingWebhookSchema),
  /** Failed attempts in a row after which a webhook is switched off. */
  maxFailures: z.number().int(),
});
export type OutgoingWebhookList = z.infer<typeof outgoingWebhookListSchema>;

export const outgoingWebhookCreateSchema = z.object({
  url: z.string().trim().min(1).max(2000),
  events: z.array(outgoingWebhookEventSchema).min(1).max(5),
  allowPrivate: z.boolean().default(false),
});
export type OutgoingWebhookCreate = z.input<typeof outgoingWebhookCreateSchema>;

export const outgoingWebhookUpdateSchema = z.object({
  url: z.string().trim().min(1).max(2000).optional(),
  events: z.array(outgoingWebhookEventSchema).min(1).max(5).optional(),
  allowPrivate: z.boolean().optional(),
  /** Switching it back on clears the failure count. */
  enabled: z.boolean().optional(),
});
export type OutgoingWebhookUpdate = z.infer<typeof outgoingWebhookUpdateSchema>;

/** Answer to a creation or a secret rotation: the only time the signing secret is shown. */
export const outgoingWebhookWithSecretSchema = z.object({
  webhook: outgoingWebhookSchema,
  secret: z.string(),
});
export type OutgoingWebhookWithSecret = z.infer<typeof outgoingWebhookWithSecretSchema>;

export const outgoingWebhookDeliverySchema = z.object({
  id: z.string(),
  /** The body's `id`: the same on every attempt of one delivery. */
  deliveryId: z.string(),
  /** An event type, or `webhook.test` for a test sent from the admin screen. */
  event: z.string(),
  status: outgoingWebhookDeliveryStatusSchema,
  attempt: z.number().int(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  createdAt: isoDateTimeSchema,
});
export type OutgoingWebhookDelivery = z.infer<typeof outgoingWebhookDeliverySchema>;

export const outgoingWebhookDeliveryListSchema = z.object({
  deliveries: z.array(outgoingWebhookDeliverySchema),
});
export type OutgoingWebhookDeliveryList = z.infer<typeof outgoingWebhookDeliveryListSchema>;

/** Answer to "send a test": the delivery to look for in the log. */
export const outgoingWebhookTestSchema = z.object({ deliveryId: z.string() });
export type OutgoingWebhookTest = z.infer<typeof outgoingWebhookTestSchema>;
