import { caseSettingsSchema, type CaseSettings } from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const caseSettingsQueryKey = ['workspace', 'case-settings'] as const;

/** The workspace's case handling: reopen or open anew after resolution, assign on reply. */
export function useCaseSettingsApi() {
  const queryClient = useQueryClient();
  return useMemo(() => {
    const http = new HttpClient({ onUnauthorized: () => endSession(queryClient) });
    return {
      get: (signal?: AbortSignal): Promise<CaseSettings> =>
        http.json('GET', '/api/workspace/case-settings', caseSettingsSchema, { signal }),
      save: (settings: CaseSettings): Promise<CaseSettings> =>
        http.json('PUT', '/api/workspace/case-settings', caseSettingsSchema, { body: settings }),
    };
  }, [queryClient]);
}
