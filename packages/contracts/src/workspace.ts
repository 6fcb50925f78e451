import { z } from 'zod';

export const caseSettingsSchema = z.object({
  /**
   * When a customer writes again in a thread whose case is resolved: `reopen` that case (default: the
   * history stays in one place) or open a `new_case` (each issue measured on its own).
   */
  afterResolved: z.enum(['reopen', 'new_case']).default('reopen'),
  /** Replying to an unassigned case assigns it to the replier, so reports credit them (issue 13). */
  assignOnReply: z.boolean().default(true),
  /**
   * A customer who writes again after this many hours of silence on their case (resolved, or left idle) starts
   * a new case instead of reviving the old one; null: never (issue 13).
   */
  newCaseAfterSilenceHours: z.number().int().min(1).max(8_760).nullable().default(null),
  /** New unassigned cases go in turn to the agents present (of the case's team when it has one). */
  roundRobin: z.boolean().default(false),
});
export type CaseSettings = z.infer<typeof caseSettingsSchema>;
