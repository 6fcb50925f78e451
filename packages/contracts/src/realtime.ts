import { z } from 'zod';
import { presenceStateSchema } from './console.ts';

/** A viewer or typist is forgotten after this long without a refresh (clients refresh every 15 s). */
export const presenceTtlMs = 40_000;

/** Realtime says what changed; clients refetch what they show. */
export const realtimeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case.changed'), caseId: z.string(), updatedAt: z.string() }),
  z.object({ type: z.literal('message.changed'), caseId: z.string(), messageId: z.string(), updatedAt: z.string() }),
  /** An SLA target was missed: the assignee and the leads have a new alert. */
  z.object({
    type: z.literal('sla.breached'),
    caseId: z.string(),
    metric: z.enum(['first_response', 'next_response', 'resolution']),
    agentIds: z.array(z.string()),
    at: z.string(),
  }),
  /**
   * An agent viewing, typing in, or leaving a case. Clients keep the latest state per agent and forget it
   * after `presenceTtlMs` without a refresh, so every process can publish its own agents' presence.
   */
  z.object({
    type: z.literal('presence'),
    caseId: z.string(),
    agent: z.object({ id: z.string(), name: z.string() }),
    state: presenceStateSchema,
    at: z.string(),
  }),
  /** A brand post was scheduled, edited, cancelled, sent or failed (F23). */
  z.object({ type: z.literal('scheduled_post.changed'), postId: z.string(), updatedAt: z.string() }),
  /** An incident was declared, linked to cases, updated or resolved (F22). */
  z.object({ type: z.literal('incident.changed'), incidentId: z.string(), updatedAt: z.string() }),
  /** An away period was planned, started, ended or cancelled (F20): the desk's banner follows. */
  z.object({ type: z.literal('absence.changed'), updatedAt: z.string() }),
]);
export type RealtimeEvent = z.infer<typeof realtimeEventSchema>;
