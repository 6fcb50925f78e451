import { z } from 'zod';

/** Realtime says what changed; clients refetch what they show. */
export const realtimeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case.changed'), caseId: z.string(), updatedAt: z.string() }),
  z.object({ type: z.literal('message.changed'), caseId: z.string(), messageId: z.string(), updatedAt: z.string() }),
]);
export type RealtimeEvent = z.infer<typeof realtimeEventSchema>;
