import { z } from 'zod';
import { isoDateTimeSchema } from './cases.ts';

/**
 * What an API token may do. Each /api route needs one of these (reads and writes apart); sign-in, the
 * realtime socket, token and agent administration need a signed-in person and no token opens them.
 */
export const apiTokenScopes = [
  'cases:read',
  'cases:write',
  'replies:write',
  'reports:read',
  'settings:read',
  'settings:write',
] as const;
export const apiTokenScopeSchema = z.enum(apiTokenScopes);
export type ApiTokenScope = z.infer<typeof apiTokenScopeSchema>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiTokenScopeSchema),
  /** The token's first characters (`gch_AbCd…`), to recognise it; the whole token is shown once only. */
  prefix: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: isoDateTimeSchema,
  /** Updated at most once a minute. */
  lastUsedAt: isoDateTimeSchema.nullable(),
  expiresAt: isoDateTimeSchema.nullable(),
  revokedAt: isoDateTimeSchema.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

export const apiTokenCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(apiTokenScopeSchema)
    .min(1)
    .max(apiTokenScopes.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'each scope once'),
  /** Days until the token stops working; null or absent for a token that lasts until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});
export type ApiTokenCreate = z.infer<typeof apiTokenCreateSchema>;

/** The answer to a creation: the only time the token itself (`secret`) is ever shown. */
export const apiTokenCreatedSchema = z.object({ token: apiTokenSchema, secret: z.string() });
export type ApiTokenCreated = z.infer<typeof apiTokenCreatedSchema>;
