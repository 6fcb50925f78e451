import { z } from 'zod';

/** The account set-up checklist (F30): what a support account on X should show, read from its profile. */
export const checklistItemIdSchema = z.enum([
  'supportHandle',
  'bio',
  'helpLink',
  'dmsOpen',
  'pinnedPost',
  'profilePicture',
]);
export type ChecklistItemId = z.infer<typeof checklistItemIdSchema>;

/** `unknown`: X does not expose it; the advice says how to check by hand. */
export const checklistStateSchema = z.enum(['ok', 'todo', 'unknown']);
export type ChecklistState = z.infer<typeof checklistStateSchema>;

export const checklistItemSchema = z.object({
  id: checklistItemIdSchema,
  state: checklistStateSchema,
  /** What is missing, for the advice: `purpose`, `hours`, `contact`, `link`, `helpCenter`… */
  missing: z.array(z.string()),
  /** What was found, quoted from the profile (a word of the handle, the link), when it helps. */
  found: z.string().nullable(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const accountChecklistSchema = z.object({
  channelId: z.string(),
  profile: z.object({
    handle: z.string(),
    name: z.string(),
    description: z.string(),
    /** The profile's website, expanded (not X's t.co link). */
    url: z.string().nullable(),
    profileImageUrl: z.string().nullable(),
    pinnedPost: z.object({ id: z.string(), text: z.string() }).nullable(),
  }),
  items: z.array(checklistItemSchema),
  /** For the bio writer: the reply settings' help-centre link, email and phone, and the weekly hours. */
  bioFacts: z.object({
    helpCenterUrl: z.string().nullable(),
    supportEmail: z.string().nullable(),
    supportPhone: z.string().nullable(),
    /** Seven days, Monday first, each day's open intervals `HH:mm`; null when no hours are set. */
    week: z.array(z.array(z.object({ start: z.string(), end: z.string() }))).nullable(),
  }),
});
export type AccountChecklist = z.infer<typeof accountChecklistSchema>;
