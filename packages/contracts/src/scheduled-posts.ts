import { z } from 'zod';

/**
 * Brand posts not tied to a case (F23): composed and scheduled by agents, or written by the desk itself
 * (absence and greeting status posts, incident status posts). Each is published once by the scheduler.
 */
export const scheduledPostStatusSchema = z.enum(['scheduled', 'sending', 'sent', 'failed', 'cancelled']);
export type ScheduledPostStatus = z.infer<typeof scheduledPostStatusSchema>;

export const scheduledPostOriginSchema = z.enum(['manual', 'absence', 'greeting', 'incident']);
export type ScheduledPostOrigin = z.infer<typeof scheduledPostOriginSchema>;

export const scheduledPostSchema = z.object({
  id: z.string(),
  channel: z.object({ id: z.string(), name: z.string(), handle: z.string() }),
  text: z.string(),
  publishAt: z.string(),
  origin: scheduledPostOriginSchema,
  status: scheduledPostStatusSchema,
  /** The post on X once sent. */
  url: z.string().nullable(),
  externalId: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** Why it failed (`reason: detail`), when it did. */
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ScheduledPost = z.infer<typeof scheduledPostSchema>;

export const scheduledPostListSchema = z.object({ posts: z.array(scheduledPostSchema) });
export type ScheduledPostList = z.infer<typeof scheduledPostListSchema>;

/** The calendar asks for one range (a month or a week view), at most 62 days. */
export const scheduledPostRangeQuerySchema = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    status: scheduledPostStatusSchema.optional(),
  })
  .refine((q) => q.to.getTime() > q.from.getTime(), { message: 'The range ends after it starts', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 62 * 86_400_000, {
    message: 'A range covers at most 62 days',
    path: ['to'],
  });
export type ScheduledPostRangeQuery = z.infer<typeof scheduledPostRangeQuerySchema>;

export const createScheduledPostSchema = z.object({
  channelId: z.string().min(1).max(100),
  /** Checked against X's weighted length (280) by the server; kept as typed. */
  text: z.string().max(5_000),
  /** ISO date-time; in the past or now means "at the next scheduler round". */
  publishAt: z.iso.datetime({ offset: true }),
});
export type CreateScheduledPost = z.infer<typeof createScheduledPostSchema>;

export const updateScheduledPostSchema = z.object({
  channelId: z.string().min(1).max(100).optional(),
  text: z.string().max(5_000).optional(),
  publishAt: z.iso.datetime({ offset: true }).optional(),
});
export type UpdateScheduledPost = z.infer<typeof updateScheduledPostSchema>;
