import { z } from 'zod';

export const networkSchema = z.enum(['x', 'bluesky', 'mastodon']);
export type Network = z.infer<typeof networkSchema>;

export const agentRoleSchema = z.enum(['admin', 'lead', 'agent', 'trainee']);
export type AgentRole = z.infer<typeof agentRoleSchema>;

export const caseStatusSchema = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const messageDirectionSchema = z.enum(['inbound', 'outbound']);
export type MessageDirection = z.infer<typeof messageDirectionSchema>;

/** `direct` is a private DM; `public` is visible on the network. Never mix them up in the UI. */
export const visibilitySchema = z.enum(['public', 'direct']);
export type Visibility = z.infer<typeof visibilitySchema>;

/** `pending_approval`: a trainee's reply waiting for a lead (F17); `rejected`: the lead said no. Neither goes out. */
export const deliveryStatusSchema = z.enum(['pending_approval', 'rejected', 'queued', 'sending', 'sent', 'failed']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const localeSchema = z.enum(['fr', 'en']);
export type Locale = z.infer<typeof localeSchema>;
