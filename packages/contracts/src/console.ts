import { z } from 'zod';
import { agentRoleSchema, caseStatusSchema, localeSchema, networkSchema } from './enums.ts';
import { macroEffectsSchema } from './macros.ts';

/** The agent console: case workflow, queue views, notes, tags, contacts, templates and presence. */

export const agentRefSchema = z.object({ id: z.string(), name: z.string() });
export type AgentRef = z.infer<typeof agentRefSchema>;

export const teamRefSchema = z.object({ id: z.string(), name: z.string() });
export type TeamRef = z.infer<typeof teamRefSchema>;

export const tagSchema = z.object({ id: z.string(), name: z.string(), color: z.string().nullable() });
export type Tag = z.infer<typeof tagSchema>;

/** A tag name as agents type it: trimmed, no control characters, short. */
export const tagNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\p{Cc}]+$/u);

export const agentListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: agentRoleSchema,
  teamIds: z.array(z.string()),
});
export type AgentListItem = z.infer<typeof agentListItemSchema>;
export const agentListSchema = z.object({ agents: z.array(agentListItemSchema) });
export type AgentList = z.infer<typeof agentListSchema>;

export const teamSchema = z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) });
export type Team = z.infer<typeof teamSchema>;
export const teamListSchema = z.object({ teams: z.array(teamSchema) });
export type TeamList = z.infer<typeof teamListSchema>;
export const createTeamRequestSchema = z.object({
  name: z.string().trim().min(1).max(60),
  memberIds: z.array(z.string()).max(500).default([]),
});
export type CreateTeamRequest = z.input<typeof createTeamRequestSchema>;

export const tagListSchema = z.object({ tags: z.array(tagSchema) });
export type TagList = z.infer<typeof tagListSchema>;

/** Queue views. `breaching_soon` and `breached` follow the cases' live SLA clocks. */
export const caseViewSchema = z.enum([
  'mine',
  'unassigned',
  'all',
  'breaching_soon',
  'breached',
  'snoozed',
  'resolved',
  /** Open and pending cases whose type is complaint (0028): a complaint waits least. */
  'complaints',
]);
export type CaseView = z.infer<typeof caseViewSchema>;

/** `priority`: most urgent first, then the longest waiting; `newest`: latest activity first. */
export const caseSortSchema = z.enum(['priority', 'newest']);
export type CaseSort = z.infer<typeof caseSortSchema>;

export const viewCountsSchema = z.object({
  mine: z.number().int(),
  unassigned: z.number().int(),
  all: z.number().int(),
  snoozed: z.number().int(),
  resolved: z.number().int(),
  breaching_soon: z.number().int(),
  breached: z.number().int(),
  complaints: z.number().int(),
});
export type ViewCounts = z.infer<typeof viewCountsSchema>;

export const channelRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  handle: z.string(),
  network: networkSchema,
});
export type ChannelRef = z.infer<typeof channelRefSchema>;

export const queueOverviewSchema = z.object({ counts: viewCountsSchema, channels: z.array(channelRefSchema) });
export type QueueOverview = z.infer<typeof queueOverviewSchema>;

export const snoozeSchema = z.object({ until: z.string(), reminder: z.string().nullable() });
export type Snooze = z.infer<typeof snoozeSchema>;

export const changeStatusRequestSchema = z
  .object({
    status: caseStatusSchema,
    /** Required for `snoozed`: when the case comes back (ISO-8601). */
    snoozeUntil: z.string().datetime({ offset: true }).optional(),
    /** What to do when it comes back ("ask if the repair is back"). */
    reminder: z.string().trim().max(500).optional(),
  })
  .refine((value) => value.status !== 'snoozed' || value.snoozeUntil !== undefined, {
    message: 'A snoozed case needs a date',
    path: ['snoozeUntil'],
  });
export type ChangeStatusRequest = z.infer<typeof changeStatusRequestSchema>;

export const assignRequestSchema = z.object({
  /** null unassigns. */
  agentId: z.string().nullable().optional(),
  teamId: z.string().nullable().optional(),
});
export type AssignRequest = z.infer<typeof assignRequestSchema>;

export const addTagRequestSchema = z.object({ name: tagNameSchema });
export type AddTagRequest = z.infer<typeof addTagRequestSchema>;

export const noteSchema = z.object({
  id: z.string(),
  body: z.string(),
  author: agentRefSchema,
  createdAt: z.string(),
});
export type Note = z.infer<typeof noteSchema>;
export const addNoteRequestSchema = z.object({ body: z.string().trim().min(1).max(5_000) });
export type AddNoteRequest = z.infer<typeof addNoteRequestSchema>;
export const noteListSchema = z.object({ notes: z.array(noteSchema) });
export type NoteList = z.infer<typeof noteListSchema>;

/** One line of a case's history: what happened, who did it, when. */
export const caseEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.object({
    type: z.enum(['agent', 'system', 'contact']),
    id: z.string().nullable(),
    name: z.string().nullable(),
  }),
  /** Event details, e.g. `{ from: 'open', to: 'resolved' }` or `{ tag: 'refund' }`. */
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;
export const caseHistorySchema = z.object({ events: z.array(caseEventSchema) });
export type CaseHistory = z.infer<typeof caseHistorySchema>;

export const bulkActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign'), agentId: z.string().nullable() }),
  z.object({ type: z.literal('tag'), name: tagNameSchema }),
  z.object({ type: z.literal('resolve') }),
]);
export type BulkAction = z.infer<typeof bulkActionSchema>;
export const bulkRequestSchema = z.object({
  caseIds: z.array(z.string().min(1).max(100)).min(1).max(200),
  action: bulkActionSchema,
});
export type BulkRequest = z.infer<typeof bulkRequestSchema>;
export const bulkResultSchema = z.object({ updated: z.number().int() });
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const contactIdentitySchema = z.object({
  network: networkSchema,
  handle: z.string(),
  name: z.string(),
  avatarUrl: z.string().nullable(),
  bio: z.string().nullable(),
  followersCount: z.number().int().nullable(),
  verified: z.boolean(),
});
export type ContactIdentity = z.infer<typeof contactIdentitySchema>;

export const contactCaseSchema = z.object({
  id: z.string(),
  status: caseStatusSchema,
  preview: z.string(),
  openedAt: z.string(),
  lastMessageAt: z.string(),
});
export type ContactCase = z.infer<typeof contactCaseSchema>;

export const contactProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  identities: z.array(contactIdentitySchema),
  tags: z.array(tagSchema),
  notes: z.array(noteSchema),
  cases: z.array(contactCaseSchema),
});
export type ContactProfile = z.infer<typeof contactProfileSchema>;

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Typed after `/` in the composer. */
  shortcut: z.string(),
  language: localeSchema.nullable(),
  body: z.string(),
  updatedAt: z.string(),
  /** The folder it sits in; null: none (0028). */
  folderId: z.string().nullable().default(null),
  /** What using it also does to the case; null: nothing (a plain saved reply). */
  effects: macroEffectsSchema.nullable().default(null),
});
export type Template = z.infer<typeof templateSchema>;
export const templateListSchema = z.object({ templates: z.array(templateSchema) });
export type TemplateList = z.infer<typeof templateListSchema>;
export const saveTemplateRequestSchema = z.object({
  name: z.string().trim().min(1).max(80),
  shortcut: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .regex(/^[\p{L}\p{N}_-]+$/u),
  language: localeSchema.nullable().default(null),
  body: z.string().trim().min(1).max(10_000),
  folderId: z.string().max(100).nullable().optional(),
  effects: macroEffectsSchema.nullable().optional(),
});
export type SaveTemplateRequest = z.input<typeof saveTemplateRequestSchema>;

/** What templates fill in besides the customer and the agent; set by leads. */
export const replySettingsSchema = z.object({
  timeZone: z.string().min(1).max(64),
  helpCenterUrl: z.string().max(500).nullable(),
  supportEmail: z.string().max(320).nullable(),
  supportPhone: z.string().max(40).nullable(),
});
export type ReplySettings = z.infer<typeof replySettingsSchema>;

export const presenceStateSchema = z.enum(['viewing', 'typing', 'left']);
export type PresenceState = z.infer<typeof presenceStateSchema>;
export const presenceRequestSchema = z.object({ state: presenceStateSchema });
export type PresenceRequest = z.infer<typeof presenceRequestSchema>;
