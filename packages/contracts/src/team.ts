import { z } from 'zod';
import { isoDateTimeSchema } from './cases.ts';
import { agentRoleSchema, localeSchema } from './enums.ts';

/** Team administration (admins), every agent's profile and sessions, and one-time password links. */

export const passwordSchema = z.string().min(10).max(1024);

// ---- profile ------------------------------------------------------------------------------------------

/** What the agent wants to be told about; stored now, used by the desktop notifications. */
export const notificationPrefsSchema = z.object({
  newP1: z.boolean(),
  breaches: z.boolean(),
  approvals: z.boolean(),
  assignedToMe: z.boolean(),
  sound: z.boolean(),
});
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;

export const defaultNotificationPrefs: NotificationPrefs = {
  newP1: true,
  breaches: true,
  approvals: true,
  assignedToMe: true,
  sound: false,
};

export const profileSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: agentRoleSchema,
  /** The signature `{{agent.initials}}` gives, e.g. `^JD`; null: derived from the name. */
  initials: z.string().nullable(),
  locale: localeSchema.nullable(),
  timeZone: z.string().nullable(),
  notifications: notificationPrefsSchema,
});
export type Profile = z.infer<typeof profileSchema>;

export const updateProfileRequestSchema = z.object({
  name: z.string().trim().min(1).max(80),
  initials: z.string().trim().min(1).max(8).nullable(),
  locale: localeSchema.nullable(),
  timeZone: z.string().trim().min(1).max(64).nullable(),
  notifications: notificationPrefsSchema,
});
export type UpdateProfileRequest = z.infer<typeof updateProfileRequestSchema>;

export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

// ---- sessions -----------------------------------------------------------------------------------------

export const sessionListItemSchema = z.object({
  id: z.string(),
  createdAt: isoDateTimeSchema,
  lastSeenAt: isoDateTimeSchema,
  /** When it ends if unused (idle timeout), never after the absolute lifetime. */
  expiresAt: isoDateTimeSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The session this browser is using. */
  current: z.boolean(),
});
export type SessionListItem = z.infer<typeof sessionListItemSchema>;
export const sessionListSchema = z.object({ sessions: z.array(sessionListItemSchema) });
export type SessionList = z.infer<typeof sessionListSchema>;

export const signedOutSchema = z.object({ signedOut: z.number().int().min(0) });
export type SignedOut = z.infer<typeof signedOutSchema>;

// ---- team administration ------------------------------------------------------------------------------

/** `invited`: the one-time link has not been used yet. */
export const agentStatusSchema = z.enum(['active', 'invited', 'deactivated']);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const teamAgentSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: agentRoleSchema,
  status: agentStatusSchema,
  teamIds: z.array(z.string()),
  createdAt: isoDateTimeSchema,
  lastSignInAt: isoDateTimeSchema.nullable(),
  deactivatedAt: isoDateTimeSchema.nullable(),
});
export type TeamAgent = z.infer<typeof teamAgentSchema>;
export const teamAgentListSchema = z.object({ agents: z.array(teamAgentSchema) });
export type TeamAgentList = z.infer<typeof teamAgentListSchema>;

export const inviteAgentRequestSchema = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(80),
  role: agentRoleSchema,
  teamIds: z.array(z.string().min(1).max(64)).max(50).default([]),
});
export type InviteAgentRequest = z.input<typeof inviteAgentRequestSchema>;

export const updateAgentRequestSchema = z
  .object({
    role: agentRoleSchema.optional(),
    teamIds: z.array(z.string().min(1).max(64)).max(50).optional(),
  })
  .refine((body) => body.role !== undefined || body.teamIds !== undefined, 'Give a role, teams, or both.');
export type UpdateAgentRequest = z.infer<typeof updateAgentRequestSchema>;

export const passwordLinkKindSchema = z.enum(['invite', 'reset']);
export type PasswordLinkKind = z.infer<typeof passwordLinkKindSchema>;

/** A one-time link, shown once to the admin to pass on (no mail is sent). */
export const passwordLinkSchema = z.object({
  kind: passwordLinkKindSchema,
  /** `/invite/<token>`: the web app prefixes its own origin when `url` is null. */
  path: z.string(),
  /** The full link when GUICHET_PUBLIC_URL is set. */
  url: z.string().nullable(),
  expiresAt: isoDateTimeSchema,
});
export type PasswordLink = z.infer<typeof passwordLinkSchema>;

export const agentWithLinkSchema = z.object({ agent: teamAgentSchema, link: passwordLinkSchema });
export type AgentWithLink = z.infer<typeof agentWithLinkSchema>;

// ---- the public side of a link ------------------------------------------------------------------------

export const invitationInfoSchema = z.object({
  kind: passwordLinkKindSchema,
  email: z.string(),
  name: z.string(),
  workspaceName: z.string(),
  expiresAt: isoDateTimeSchema,
});
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

export const acceptInvitationRequestSchema = z.object({ password: passwordSchema });
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequestSchema>;
