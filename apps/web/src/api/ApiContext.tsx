import { createContext, useContext, type ReactNode } from 'react';
import type { GuichetApi } from './guichetApi.ts';

const ApiContext = createContext<GuichetApi | null>(null);

export function ApiProvider({ api, children }: { api: GuichetApi; children: ReactNode }) {
  return <ApiContext value={api}>{children}</ApiContext>;
}

export function useApi(): GuichetApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiProvider>');
  return api;
}
