import { z } from 'zod';
import { caseSummarySchema, messageSchema } from './cases.ts';

/** Split a case at a message: that message and the later ones become a new case (issue 13). */
export const splitCaseRequestSchema = z.object({ atMessageId: z.string().min(1).max(100) });
export type SplitCaseRequest = z.infer<typeof splitCaseRequestSchema>;

/** Merge another case of the same customer into this one; the absorbed case is closed and points here. */
export const mergeCaseRequestSchema = z.object({ absorbedCaseId: z.string().min(1).max(100) });
export type MergeCaseRequest = z.infer<typeof mergeCaseRequestSchema>;

export const caseRestructureResultSchema = z.object({
  /** The new case (split) or the surviving one (merge). */
  case: caseSummarySchema,
  /** How many messages moved. */
  movedMessages: z.number().int(),
});
export type CaseRestructureResult = z.infer<typeof caseRestructureResultSchema>;

/** A page of a case's messages, read backwards from the newest (keyset: time, then id). */
export const messagePageQuerySchema = z.object({
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type MessagePageQuery = z.infer<typeof messagePageQuerySchema>;

export const messagePageSchema = z.object({
  /** Oldest first within the page. */
  messages: z.array(messageSchema),
  /** Reads the page before this one; null at the case's first message. */
  olderCursor: z.string().nullable(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;
