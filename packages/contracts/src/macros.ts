import { z } from 'zod';

/**
 * Macros (issue 13, item 6): a saved reply that also changes the case when it is used. Applied by the
 * server once per (case, key) — the reply's idempotency key, or the key of an explicit "apply" — with one
 * audit line and the usual case events.
 */

/** An agent's id, or `me`: whoever uses the macro. */
export const macroAssigneeSchema = z.string().min(1).max(100);

export const macroEffectsSchema = z.object({
  /** Tag names added to the case (created when missing). */
  tags: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
  /** Snoozing needs a date: macros open, set pending or resolve. */
  status: z.enum(['open', 'pending', 'resolved']).nullable().default(null),
  priority: z.number().int().min(1).max(4).nullable().default(null),
  /** `me` (the agent using the macro) or an agent's id; null leaves the assignee alone. */
  assignee: macroAssigneeSchema.nullable().default(null),
});
export type MacroEffects = z.infer<typeof macroEffectsSchema>;

/** True when the effects change nothing. */
export function noMacroEffects(effects: MacroEffects | null | undefined): boolean {
  return (
    !effects ||
    (effects.tags.length === 0 && effects.status === null && effects.priority === null && effects.assignee === null)
  );
}

export const templateFolderSchema = z.object({ id: z.string(), name: z.string() });
export type TemplateFolder = z.infer<typeof templateFolderSchema>;
export const templateFolderListSchema = z.object({ folders: z.array(templateFolderSchema) });
export type TemplateFolderList = z.infer<typeof templateFolderListSchema>;
export const saveTemplateFolderRequestSchema = z.object({ name: z.string().trim().min(1).max(60) });
export type SaveTemplateFolderRequest = z.infer<typeof saveTemplateFolderRequestSchema>;
export const moveTemplateRequestSchema = z.object({ folderId: z.string().max(100).nullable() });
export type MoveTemplateRequest = z.infer<typeof moveTemplateRequestSchema>;

export const applyMacroRequestSchema = z.object({
  /** The same key twice applies the macro once (a double click, a retry). */
  key: z.string().min(8).max(100),
});
export type ApplyMacroRequest = z.infer<typeof applyMacroRequestSchema>;

export const macroChangeSchema = z.enum(['tags', 'status', 'priority', 'assignee']);
export const applyMacroResultSchema = z.object({
  /** False when this key had already applied it: nothing changed this time. */
  applied: z.boolean(),
  /** What changed on the case (an effect already in place is not a change). */
  changes: z.array(macroChangeSchema),
});
export type ApplyMacroResult = z.infer<typeof applyMacroResultSchema>;

export const starterLibraryResultSchema = z.object({
  /** Saved replies added by this import; 0 when the library was already there. */
  added: z.number().int(),
  /** Entries of the library already in the workspace (by their key), left as the lead edited them. */
  kept: z.number().int(),
});
export type StarterLibraryResult = z.infer<typeof starterLibraryResultSchema>;
