import { z } from 'zod';

/**
 * Approvals (F17): a trainee's reply waits, as `pending_approval`, for a lead or an admin to approve it
 * (possibly after editing it) or to reject it with a comment. Nothing goes to X before approval.
 */
export const approvalStatusSchema = z.enum(['pending', 'approved', 'rejected']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

const agentNameSchema = z.object({ id: z.string(), name: z.string() });

/** What a message shows of its approval. */
export const messageApprovalSchema = z.object({
  status: approvalStatusSchema,
  requestedBy: agentNameSchema.nullable(),
  requestedAt: z.string(),
  decidedBy: agentNameSchema.nullable(),
  decidedAt: z.string().nullable(),
  /** The reviewer's comment (required on a rejection). */
  comment: z.string().nullable(),
  /** The trainee's text, when the reviewer edited it before approving. */
  originalText: z.string().nullable(),
});
export type MessageApproval = z.infer<typeof messageApprovalSchema>;

/** One reply waiting for approval, with what it answers: the lead's queue. */
export const pendingApprovalSchema = z.object({
  messageId: z.string(),
  caseId: z.string(),
  text: z.string(),
  visibility: z.enum(['public', 'direct']),
  requestedBy: agentNameSchema.nullable(),
  requestedAt: z.string(),
  contact: z.object({ name: z.string(), handle: z.string().nullable() }),
  /** The customer's message the reply answers. */
  inReplyTo: z.object({ id: z.string(), text: z.string() }).nullable(),
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

export const approveRequestSchema = z.object({
  /** The reviewer's edited text; absent sends the trainee's text as written. */
  text: z.string().trim().min(1).max(10_000).optional(),
  /** Approve even though another agent has answered the same message since. */
  confirm: z.boolean().optional(),
  /** Approve a public reply that contains the customer's personal data (an audited override). */
  confirmPersonalData: z.boolean().optional(),
});
export type ApproveRequest = z.infer<typeof approveRequestSchema>;

export const rejectRequestSchema = z.object({
  /** Why, for the trainee: required, so a rejection always teaches something. */
  comment: z.string().trim().min(1).max(2_000),
});
export type RejectRequest = z.infer<typeof rejectRequestSchema>;

/**
 * Engagement (F16): like or repost a customer's public post from the case, through the outbox. One of
 * each kind per post, ever.
 */
export const engagementKindSchema = z.enum(['like', 'repost']);
export type EngagementKind = z.infer<typeof engagementKindSchema>;

/** `pending_approval`: a trainee's, waiting for a lead (F17); `rejected`: the lead said no, it never goes out. */
export const engagementStatusSchema = z.enum(['pending_approval', 'rejected', 'queued', 'sending', 'done', 'failed']);
export type EngagementStatus = z.infer<typeof engagementStatusSchema>;

export const engagementSchema = z.object({
  id: z.string(),
  kind: engagementKindSchema,
  status: engagementStatusSchema,
  /** `reason: detail` when it failed, e.g. `x.like_not_allowed: …`. */
  error: z.string().nullable(),
  requestedBy: agentNameSchema.nullable(),
  updatedAt: z.string(),
  /** The lead who approved or rejected a trainee's engagement, and the rejection's comment. */
  decidedBy: agentNameSchema.nullable().default(null),
  comment: z.string().nullable().default(null),
});
export type Engagement = z.infer<typeof engagementSchema>;

/** A trainee's like or repost waiting for a lead, with the post it is about: the leads' queue. */
export const pendingEngagementSchema = z.object({
  id: z.string(),
  kind: engagementKindSchema,
  caseId: z.string().nullable(),
  requestedBy: agentNameSchema.nullable(),
  requestedAt: z.string(),
  post: z.object({ id: z.string(), text: z.string(), handle: z.string().nullable(), name: z.string() }),
});
export type PendingEngagement = z.infer<typeof pendingEngagementSchema>;

export const engageRequestSchema = z.object({ kind: engagementKindSchema });
export type EngageRequest = z.infer<typeof engageRequestSchema>;

export const pendingApprovalListSchema = z.object({
  approvals: z.array(pendingApprovalSchema),
  /** Trainees' likes and reposts waiting (F16, F17), oldest first. */
  engagements: z.array(pendingEngagementSchema).default([]),
  /** How many replies, likes and reposts wait in the workspace (the lists show the oldest 100 of each). */
  count: z.number().int(),
});
export type PendingApprovalList = z.infer<typeof pendingApprovalListSchema>;
