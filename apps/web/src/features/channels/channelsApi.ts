import {
  channelListSchema,
  channelSearchSchema,
  channelSummarySchema,
  type ChannelConnectKeys,
  type ChannelDeliveryUpdate,
  type ChannelList,
  type ChannelSearch,
  type ChannelSearchCreate,
  type ChannelSummary,
  type ChannelUpdate,
} from '@guichet/contracts';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/**
 * Under the inbox overview's key on purpose: every realtime case change (a new mention, a reply) refetches
 * it, so "last inbound" and the silent alarm follow the feed; sign-out forgets it with the cases.
 */
export const channelsQueryKey = ['cases', 'overview', 'channels'] as const;

/** Where the browser goes to connect an account with OAuth 2.0 (the server redirects to X). */
export const oauth2StartPath = '/api/channels/x/oauth2/start';

const channelPath = (channelId: string) => `/api/channels/${encodeURIComponent(channelId)}`;

export function createChannelsApi(http: HttpClient) {
  return {
    list(signal?: AbortSignal): Promise<ChannelList> {
      return http.json('GET', '/api/channels', channelListSchema, { signal });
    },
    update(channelId: string, update: ChannelUpdate): Promise<ChannelSummary> {
      return http.json('PATCH', channelPath(channelId), channelSummarySchema, { body: update });
    },
    setDelivery(channelId: string, update: ChannelDeliveryUpdate): Promise<ChannelSummary> {
      return http.json('PUT', `${channelPath(channelId)}/delivery`, channelSummarySchema, { body: update });
    },
    addSearch(channelId: string, search: ChannelSearchCreate): Promise<ChannelSearch> {
      return http.json('POST', `${channelPath(channelId)}/searches`, channelSearchSchema, { body: search });
    },
    deleteSearch(channelId: string, searchId: string): Promise<void> {
      return http.empty('DELETE', `${channelPath(channelId)}/searches/${encodeURIComponent(searchId)}`);
    },
    connectWithKeys(keys: ChannelConnectKeys): Promise<ChannelSummary> {
      return http.json('POST', '/api/channels/x/keys', channelSummarySchema, { body: keys });
    },
  };
}

export type ChannelsApi = ReturnType<typeof createChannelsApi>;

function clientFor(queryClient: QueryClient): ChannelsApi {
  // Same rule as the app's client: a 401 means the session is gone.
  return createChannelsApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) }));
}

export function useChannelsApi(): ChannelsApi {
  const queryClient = useQueryClient();
  return useMemo(() => clientFor(queryClient), [queryClient]);
}

/** The connected accounts with health and spend; polled every 30 s for what no realtime event reports (a failing poll). */
export function useChannels() {
  const api = useChannelsApi();
  return useQuery({
    queryKey: channelsQueryKey,
    queryFn: ({ signal }) => api.list(signal),
    refetchInterval: 30_000,
  });
}

/** Channels that need attention: failing, or silent while active. Paused ones are a choice, not an alarm. */
export function channelsInTrouble(list: ChannelList | undefined): ChannelSummary[] {
  return (list?.channels ?? []).filter((c) => c.status === 'failing' || (c.status === 'active' && c.health.silent));
}

/**
 * Dollars in the agent's language ("1 695,00 $US", "$1,695.00"). `precise` keeps a third decimal only for
 * amounts under a dollar (X's unit prices): "1,695 $US" for $1.70 read as a thousand dollars in French.
 */
export function formatUsd(value: number, locale: string, precise = false): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: precise && Math.abs(value) < 1 ? 3 : 2,
  }).format(value);
}
