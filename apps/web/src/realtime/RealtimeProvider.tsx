import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import { RealtimeConnection, realtimeUrl, type RealtimeStatus } from './connection.ts';
import { createInvalidationBatcher, queryKeysForEvent } from './invalidation.ts';

const RealtimeStatusContext = createContext<RealtimeStatus>('connecting');

/** Keeps the signed-in screens fresh: every pushed event refetches the queries it concerns. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>('connecting');

  useEffect(() => {
    const batcher = createInvalidationBatcher(queryClient);
    const connection = new RealtimeConnection({
      url: realtimeUrl(window.location),
      onEvent: (event) => batcher.add(queryKeysForEvent(event)),
      onStatus: setStatus,
      onReconnected: () => void queryClient.invalidateQueries({ queryKey: queryKeys.cases }),
    });
    const onOnline = () => connection.retryNow();
    window.addEventListener('online', onOnline);
    connection.start();
    return () => {
      window.removeEventListener('online', onOnline);
      connection.stop();
      batcher.dispose();
    };
  }, [queryClient]);

  return <RealtimeStatusContext value={status}>{children}</RealtimeStatusContext>;
}

export function useRealtimeStatus(): RealtimeStatus {
  return useContext(RealtimeStatusContext);
}
