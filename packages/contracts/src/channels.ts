import { z } from 'zod';
import { isoDateTimeSchema } from './cases.ts';
import { networkSchema } from './enums.ts';

export const channelSearchSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** X recent-search query, e.g. `acme (panne OR outage) -from:acme_sav lang:fr`. */
  query: z.string(),
  enabled: z.boolean(),
});
export type ChannelSearch = z.infer<typeof channelSearchSchema>;

export const channelSpendSchema = z.object({
  todayUsd: z.number(),
  monthUsd: z.number(),
  projectedMonthUsd: z.number(),
  budgetUsd: z.number().nullable(),
  /** `tight`: on course to pass the budget (searches slow down); `exhausted`: reached (searches stop). */
  budgetState: z.enum(['ok', 'tight', 'exhausted']),
  byCategory: z.array(z.object({ category: z.string(), units: z.number(), usd: z.number() })),
});
export type ChannelSpend = z.infer<typeof channelSpendSchema>;

export const deliveryPathSchema = z.enum(['xaa', 'account_activity', 'polling']);
export type DeliveryPath = z.infer<typeof deliveryPathSchema>;

/** How X pushes the account's activity, and which path is live now (decision 0012). */
export const channelDeliverySchema = z.object({
  /** Chosen: X Activity API, Account Activity API (webhooks, until 1 January 2027) or polling only. */
  path: deliveryPathSchema,
  /** With the X Activity API: its persistent stream or the channel's webhook URL. */
  xaaDelivery: z.enum(['stream', 'webhook']),
  /** What delivers now: `polling` while the X Activity API is not connected yet or its stream is lost. */
  live: deliveryPathSchema,
  liveSince: isoDateTimeSchema.nullable(),
  lastEventAt: isoDateTimeSchema.nullable(),
  streamState: z.enum(['off', 'connected', 'lost']),
  /** X Activity API events billed this month (X charges per delivered event). */
  monthCostUsd: z.number(),
  accountActivityEndOfLife: isoDateTimeSchema,
  /** This channel still uses the Account Activity API and its end of life is near (from December 2026). */
  endOfLifeWarning: z.boolean(),
});
export type ChannelDelivery = z.infer<typeof channelDeliverySchema>;

export const channelDeliveryUpdateSchema = z.object({
  path: deliveryPathSchema,
  xaaDelivery: z.enum(['stream', 'webhook']).optional(),
});
export type ChannelDeliveryUpdate = z.infer<typeof channelDeliveryUpdateSchema>;

export const channelSummarySchema = z.object({
  id: z.string(),
  network: networkSchema,
  name: z.string(),
  handle: z.string(),
  status: z.enum(['active', 'paused', 'failing']),
  /** Why the channel is failing, in the network's words. */
  statusDetail: z.string().nullable(),
  sandbox: z.boolean(),
  streaming: z.boolean(),
  muteWords: z.array(z.string()),
  /** X's Account Activity webhooks deliver to this channel (admins turn it on; it needs a consumer secret). */
  webhooks: z.boolean(),
  health: z.object({
    lastInboundAt: isoDateTimeSchema.nullable(),
    lastPolledAt: isoDateTimeSchema.nullable(),
    /** Nothing has come in for far longer than usual: the feed may be broken even if calls succeed. */
    silent: z.boolean(),
  }),
  spend: channelSpendSchema,
  /** Delivery path and its live state; absent for networks without push delivery. */
  delivery: channelDeliverySchema.optional(),
  searches: z.array(channelSearchSchema),
  /** How the account is connected. Never the secrets themselves: only which kinds are configured. */
  connection: z.object({
    /** `sandbox`: the built-in demo account; `environment`: X_* variables; `desk`: connected from the channels screen. */
    source: z.enum(['sandbox', 'environment', 'desk']),
    auth: z.enum(['oauth1', 'oauth2-user']).nullable(),
    /** An app bearer token is configured (X's filtered stream accepts nothing else). */
    appBearer: z.boolean(),
    /** OAuth 2.0 tokens refreshed before they expire. */
    refreshable: z.boolean(),
  }),
});
export type ChannelSummary = z.infer<typeof channelSummarySchema>;

export const xPriceSchema = z.object({ category: z.string(), unitPriceUsd: z.number() });

export const channelListSchema = z.object({
  channels: z.array(channelSummarySchema),
  /** X pay-per-use prices per billed unit, for the spend meter. */
  prices: z.array(xPriceSchema),
  /** What the channels screen can offer for connecting another account. */
  connect: z.object({
    /** The built-in X sandbox runs: keys may be checked against it instead of X. */
    sandboxAvailable: z.boolean(),
    /** Where "Sign in with X" (OAuth 2.0 PKCE) goes: X (X_CLIENT_ID set), the sandbox, or nowhere. */
    oauth2: z.enum(['x', 'sandbox']).nullable(),
  }),
});
export type ChannelList = z.infer<typeof channelListSchema>;

export const channelUpdateSchema = z.object({
  monthlyBudgetUsd: z.number().nonnegative().max(1_000_000).nullable().optional(),
  paused: z.boolean().optional(),
  /** Public posts containing one of these are filtered out (kept on record, not made cases). */
  muteWords: z.array(z.string().trim().min(2).max(60)).max(200).optional(),
  /** Accept X's Account Activity webhooks for this channel (admins only; needs the app's consumer secret). */
  webhooks: z.boolean().optional(),
});
export type ChannelUpdate = z.infer<typeof channelUpdateSchema>;

export const channelSearchCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  query: z.string().trim().min(1).max(512),
});
export type ChannelSearchCreate = z.infer<typeof channelSearchCreateSchema>;

/** OAuth 1.0a keys from the X developer portal, checked with X (`/2/users/me`) before anything is stored. */
export const channelConnectKeysSchema = z.object({
  apiKey: z.string().trim().min(1).max(200),
  apiSecret: z.string().trim().min(1).max(200),
  accessToken: z.string().trim().min(1).max(200),
  accessSecret: z.string().trim().min(1).max(200),
  /** Optional app-only bearer token, for X's filtered stream. */
  appBearerToken: z.string().trim().max(400).optional(),
  /** Check the keys against the built-in sandbox rather than X. */
  sandbox: z.boolean().default(false),
});
export type ChannelConnectKeys = z.input<typeof channelConnectKeysSchema>;
