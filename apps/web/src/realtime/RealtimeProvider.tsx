import type { PresenceState, RealtimeEvent } from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { useApi } from '../api/ApiContext.tsx';
import { endSession } from '../features/auth/session.ts';
import { RealtimeConnection, realtimeUrl, type RealtimeStatus } from './connection.ts';
import { createInvalidationBatcher, queryKeysForEvent, refetchAfterReconnect } from './invalidation.ts';
import { PresenceStore, type PresenceEntry } from './presence.ts';

const RealtimeStatusContext = createContext<RealtimeStatus>('connecting');
const PresenceContext = createContext<PresenceStore | null>(null);
type RealtimeListener = (event: RealtimeEvent) => void;
const EventsContext = createContext<Set<RealtimeListener> | null>(null);

/** Keeps the signed-in screens fresh: every pushed event refetches the queries it concerns. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [presence] = useState(() => new PresenceStore());
  const [listeners] = useState(() => new Set<RealtimeListener>());

  useEffect(() => {
    const batcher = createInvalidationBatcher(queryClient);
    const connection = new RealtimeConnection({
      url: realtimeUrl(window.location),
      onEvent: (event) => {
        if (event.type === 'presence') presence.apply(event);
        else batcher.add(queryKeysForEvent(event));
        for (const listener of listeners) listener(event);
      },
      onStatus: setStatus,
      // Whatever was pushed while the socket was down is refetched: cases, alerts, calendar, incidents, absences.
      onReconnected: () => refetchAfterReconnect(queryClient),
      // Signed out elsewhere, deactivated or expired: the signed-in screens give way to sign-in at once.
      onSessionEnded: () => endSession(queryClient),
    });
    const onOnline = () => connection.retryNow();
    window.addEventListener('online', onOnline);
    connection.start();
    const expiry = setInterval(() => presence.expire(), 5_000);
    return () => {
      window.removeEventListener('online', onOnline);
      clearInterval(expiry);
      connection.stop();
      batcher.dispose();
    };
  }, [queryClient, presence, listeners]);

  return (
    <RealtimeStatusContext value={status}>
      <PresenceContext value={presence}>
        <EventsContext value={listeners}>{children}</EventsContext>
      </PresenceContext>
    </RealtimeStatusContext>
  );
}

export function useRealtimeStatus(): RealtimeStatus {
  return useContext(RealtimeStatusContext);
}

/** Calls `listener` with every pushed event while mounted (alerts watch them; screens refetch anyway). */
export function useRealtimeEvents(listener: RealtimeListener): void {
  const listeners = useContext(EventsContext);
  useEffect(() => {
    if (!listeners) return;
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [listeners, listener]);
}

const noOthers: PresenceEntry[] = [];

/** Other agents viewing or typing in this case, live. */
export function useCasePresence(caseId: string, selfId: string | undefined): PresenceEntry[] {
  const store = useContext(PresenceContext);
  const subscribe = useCallback((listener: () => void) => store?.subscribe(listener) ?? (() => {}), [store]);
  return useSyncExternalStore(subscribe, () => store?.others(caseId, selfId) ?? noOthers);
}

const heartbeatMs = 15_000;

/**
 * Announces this agent on the case while the screen is open (viewing, or typing while `typing` is true),
 * repeats it so it does not expire, and says goodbye on leaving.
 */
export function useAnnouncePresence(caseId: string, typing: boolean): void {
  const api = useApi();
  useEffect(() => {
    const state: PresenceState = typing ? 'typing' : 'viewing';
    const send = () => void api.presence(caseId, state).catch(() => undefined);
    send();
    const timer = setInterval(send, heartbeatMs);
    return () => clearInterval(timer);
  }, [api, caseId, typing]);
  useEffect(
    () => () => {
      void api.presence(caseId, 'left').catch(() => undefined);
    },
    [api, caseId],
  );
}
