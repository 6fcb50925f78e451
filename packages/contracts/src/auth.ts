import { z } from 'zod';
import { agentRoleSchema, localeSchema } from './enums.ts';

export const signInRequestSchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const agentSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: agentRoleSchema,
  locale: localeSchema.nullable(),
  /** The signature the agent chose on their profile (`^JD`); absent or null: derived from the name. */
  initials: z.string().nullable().optional(),
});
export type Agent = z.infer<typeof agentSchema>;

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const sessionInfoSchema = z.object({
  agent: agentSchema,
  workspace: workspaceSchema,
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
