import { z } from 'zod';

export const caseSettingsSchema = z.object({
  /**
   * When a customer writes again in a thread whose case is resolved: `reopen` that case (default: the
   * history stays in one place) or open a `new_case` (each issue measured on its own).
   */
  afterResolved: z.enum(['reopen', 'new_case']).default('reopen'),
  /** Replying to an unassigned case assigns it to the replier, so reports credit them (issue 13). */
  assignOnReply: z.boolean().default(true),
});
export type CaseSettings = z.infer<typeof caseSettingsSchema>;
