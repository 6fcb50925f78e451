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
  health: z.object({
    lastInboundAt: isoDateTimeSchema.nullable(),
    lastPolledAt: isoDateTimeSchema.nullable(),
    /** Nothing has come in for far longer than usual: the feed may be broken even if calls succeed. */
    silent: z.boolean(),
  }),
  spend: channelSpendSchema,
  searches: z.array(channelSearchSchema),
});
export type ChannelSummary = z.infer<typeof channelSummarySchema>;

export const channelListSchema = z.object({ channels: z.array(channelSummarySchema) });
export type ChannelList = z.infer<typeof channelListSchema>;

export const channelUpdateSchema = z.object({
  monthlyBudgetUsd: z.number().nonnegative().max(1_000_000).nullable().optional(),
  paused: z.boolean().optional(),
  /** Public posts containing one of these are filtered out (kept on record, not made cases). */
  muteWords: z.array(z.string().trim().min(2).max(60)).max(200).optional(),
});
export type ChannelUpdate = z.infer<typeof channelUpdateSchema>;

export const channelSearchCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  query: z.string().trim().min(1).max(512),
});
export type ChannelSearchCreate = z.infer<typeof channelSearchCreateSchema>;
