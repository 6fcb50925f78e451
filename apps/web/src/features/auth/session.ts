import type { SessionInfo } from '@guichet/contracts';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { switchLanguage } from '../../i18n/switchLanguage.ts';

/** The signed-in agent and workspace; `data` is null when nobody is signed in. */
export function useSession() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: ({ signal }) => api.getSession(signal),
    // The session only changes through sign-in, sign-out or a 401, which all update this cache.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** Signing in also brings the language the agent chose on their profile, on whichever browser. */
export function startSession(queryClient: QueryClient, session: SessionInfo): void {
  queryClient.setQueryData(queryKeys.session, session);
  if (session.agent.locale) void switchLanguage(session.agent.locale);
}

/** Forgets the session and every case the previous agent loaded, so the next one starts clean. */
export function endSession(queryClient: QueryClient): void {
  void queryClient.cancelQueries({ queryKey: queryKeys.cases });
  queryClient.setQueryData<SessionInfo | null>(queryKeys.session, null);
  queryClient.removeQueries({ queryKey: queryKeys.cases });
}
