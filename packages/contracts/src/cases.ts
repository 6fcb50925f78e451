import { z } from 'zod';
import {
  caseStatusSchema,
  deliveryStatusSchema,
  messageDirectionSchema,
  networkSchema,
  visibilitySchema,
} from './enums.ts';
import {
  agentRefSchema,
  caseEventSchema,
  caseSortSchema,
  caseViewSchema,
  noteSchema,
  snoozeSchema,
  tagSchema,
  teamRefSchema,
} from './console.ts';
import { messageAttachmentsSchema } from './attachments.ts';
import { caseSlaSchema } from './sla.ts';
import { messageTypeSchema } from './triage.ts';
import { engagementSchema, messageApprovalSchema } from './approvals.ts';

/** Times cross the wire as ISO-8601 UTC strings. */
export const isoDateTimeSchema = z.string();

export const contactSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Handle on the network, without the leading @. */
  handle: z.string().nullable(),
  network: networkSchema.nullable(),
  avatarUrl: z.string().nullable(),
});
export type ContactSummary = z.infer<typeof contactSummarySchema>;

export const caseSummarySchema = z.object({
  id: z.string(),
  status: caseStatusSchema,
  priority: z.number().int().min(1).max(4).nullable(),
  contact: contactSummarySchema,
  /** First words of the latest inbound message. */
  preview: z.string(),
  openedAt: isoDateTimeSchema,
  lastMessageAt: isoDateTimeSchema,
  messageCount: z.number().int(),
  channelId: z.string(),
  assignee: agentRefSchema.nullable(),
  team: teamRefSchema.nullable(),
  tags: z.array(tagSchema),
  /** Set while the case is snoozed. */
  snooze: snoozeSchema.nullable(),
  /** The case's most urgent live SLA clock; null when none runs. */
  sla: caseSlaSchema.nullable().default(null),
  /** Where the latest message of the case was written (public post or DM); null: no message yet. */
  lastVisibility: visibilitySchema.nullable().default(null),
  /** Whether the brand spoke last: the latest message is the desk's (sent, or on its way). */
  answered: z.boolean().default(false),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

/** A comma-separated list of allowed values in a query string (`priority=1,2`). */
const listParam = (item: string, label: string) =>
  z
    .string()
    .max(200)
    .regex(new RegExp(`^(?:${item})(?:,(?:${item}))*$`), `a comma-separated list of ${label}`);

/** The values of a comma-separated query parameter, without repeats. */
export function splitListParam(value: string | undefined): string[] {
  return value ? [...new Set(value.split(','))] : [];
}

/**
 * The shortest search: the trigram indexes that serve search know nothing shorter, and one or two letters
 * match most cases anyway (docs/decisions/0007).
 */
export const caseSearchMinLength = 3;

export const caseListQuerySchema = z.object({
  /** Without a view, every case; a view narrows by assignee and, unless `status` is given, by status. */
  view: caseViewSchema.optional(),
  status: caseStatusSchema.optional(),
  assigneeId: z.string().max(100).optional(),
  tagId: z.string().max(100).optional(),
  channelId: z.string().max(100).optional(),
  teamId: z.string().max(100).optional(),
  /** Case types, comma-separated: `complaint,question`. */
  type: listParam(messageTypeSchema.options.join('|'), 'case types').optional(),
  /** Priorities 1 (most urgent) to 4, comma-separated: `1,2`. */
  priority: listParam('[1-4]', 'priorities from 1 to 4').optional(),
  /** The customer's language (ISO 639 codes), comma-separated: `fr,en`. */
  language: listParam('[a-z]{2,3}', 'language codes').optional(),
  /**
   * Words searched in message text and the contact's name and handle, at least `caseSearchMinLength`
   * characters (shorter: 400 `search.too_short`).
   */
  q: z.string().trim().max(200).optional(),
  /** Latest activity at or after this instant (ISO-8601 with offset): the start of a date range. */
  from: z.string().datetime({ offset: true }).optional(),
  /** Latest activity before this instant (exclusive): the end of a date range. */
  to: z.string().datetime({ offset: true }).optional(),
  sort: caseSortSchema.default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const caseListSchema = z.object({
  cases: z.array(caseSummarySchema),
  nextCursor: z.string().nullable(),
  /**
   * Set when a search stopped after a bounded scan: a word in too many messages to list is tested case by
   * case, on at most `scannedCases` cases a page, in the list's order, of those the other filters keep (a
   * common tag is tested with the search). The page then holds the matches among them (maybe none) and
   * `nextCursor` goes on after the last case scanned: following the cursors finds exactly the cases an
   * unbounded search would, in the same order. Null: the page is full, or the list ends here.
   */
  partialScan: z.object({ scannedCases: z.number().int().positive() }).nullable(),
});
export type CaseList = z.infer<typeof caseListSchema>;

export const messageAuthorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('contact'),
    contactId: z.string(),
    name: z.string(),
    handle: z.string().nullable(),
    /** True when this author is the case's customer; false for a third party in the thread. */
    isCaseContact: z.boolean(),
  }),
  z.object({
    kind: z.literal('agent'),
    /** null: written by the desk itself (away message, incident reply, survey), not by an agent. */
    agentId: z.string().nullable(),
    name: z.string(),
  }),
]);
export type MessageAuthor = z.infer<typeof messageAuthorSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: messageDirectionSchema,
  visibility: visibilitySchema,
  text: z.string(),
  author: messageAuthorSchema,
  createdAt: isoDateTimeSchema,
  externalId: z.string().nullable(),
  /** Link to the post on the network, when it has one. */
  externalUrl: z.string().nullable(),
  inReplyToMessageId: z.string().nullable(),
  deliveryStatus: deliveryStatusSchema.nullable(),
  deliveryError: z.string().nullable(),
  /** Set on a trainee's reply (F17). */
  approval: messageApprovalSchema.nullable().default(null),
  /** Likes and reposts of this (inbound, public) post from the desk (F16). */
  engagements: z.array(engagementSchema).default([]),
  /** Photos, GIFs, videos and links the message carries (issue 12). */
  attachments: messageAttachmentsSchema.default({ media: [], links: [] }),
});
export type Message = z.infer<typeof messageSchema>;

export const caseDetailSchema = z.object({
  case: caseSummarySchema,
  messages: z.array(messageSchema),
  /** Internal notes: never sent to the customer. */
  notes: z.array(noteSchema),
  /** What happened to the case, oldest first. */
  history: z.array(caseEventSchema),
  /** Whether a reply can go out as a direct message in this case. */
  directReplyAvailable: z.boolean(),
  /**
   * Why "reply by DM" is not possible here, when it is not: the channel's X plan has no DMs, the customer
   * refused a DM before (X said they do not accept them), or there is no DM from this customer to answer.
   */
  directReplyBlocked: z.enum(['plan', 'not_accepted', 'no_history']).nullable().optional(),
  /**
   * Likes or reposts X refused on this channel's plan at the latest attempt: the case screen stops offering
   * them (a later success, e.g. after an upgrade, offers them again).
   */
  engagementRefused: z.array(z.enum(['like', 'repost'])).optional(),
  /** `messages` holds the latest page; this reads the earlier ones (GET /api/cases/:id/messages?before=). */
  olderMessagesCursor: z.string().nullable().optional(),
  /** Set once the case was merged into another one (which holds its messages now). */
  mergedIntoCaseId: z.string().nullable().optional(),
  /** The case this one was split from. */
  splitFromCaseId: z.string().nullable().optional(),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const replyRequestSchema = z.object({
  text: z.string().min(1).max(10_000),
  /** The inbound message answered; defaults to the case's latest inbound public message. */
  inReplyToMessageId: z.string().optional(),
  /** Makes a retried submission (double click, flaky network) create one reply, not two. */
  idempotencyKey: z.string().min(8).max(100).optional(),
  /** Send even though another agent answered (or is answering) the same message a moment ago. */
  confirm: z.boolean().optional(),
  /**
   * Publish although the public reply contains the customer's personal data (refused 422 reply.personal_data
   * otherwise): an audited override, never open to trainees.
   */
  confirmPersonalData: z.boolean().optional(),
  /**
   * A long public reply sent as a numbered thread (F13): the composer's preview of `text`, each part within
   * X's limit. Part k+1 goes out as a reply to part k once part k is on X.
   */
  parts: z.array(z.string().min(1).max(1_000)).max(25).optional(),
  /**
   * Pictures uploaded from the composer (POST /api/media/uploads), in order: up to 4 public, 1 by DM (X's
   * limits, refused with 422 reply.too_many_media; the schema only bounds the list).
   */
  mediaIds: z.array(z.string().min(1).max(100)).max(20).optional(),
  /**
   * The saved reply used, when it is a macro: its effects (tags, status, priority, assignee) are applied
   * with the reply, once per idempotency key (required with it).
   */
  macroId: z.string().max(100).optional(),
});
export type ReplyRequest = z.infer<typeof replyRequestSchema>;
