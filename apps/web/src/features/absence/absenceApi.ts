import {
  absenceOverviewSchema,
  timeSettingsResponseSchema,
  type AbsenceOverview,
  type CreateAbsenceRequest,
  type TimeSettings,
  type TimeSettingsResponse,
} from '@guichet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const absenceQueryKeys = {
  /** Under `cases` so that sign-out forgets it. */
  overview: ['cases', 'absence'] as const,
  timeSettings: ['cases', 'time-settings'] as const,
};

/** Away periods (F20) and the texts of absences and greetings (F21), typed with the shared contracts. */
export function createAbsenceApi(http: HttpClient) {
  return {
    overview: (signal?: AbortSignal): Promise<AbsenceOverview> =>
      http.json('GET', '/api/absence', absenceOverviewSchema, { signal }),
    create: (request: CreateAbsenceRequest): Promise<AbsenceOverview> =>
      http.json('POST', '/api/absence', absenceOverviewSchema, { body: request }),
    startNow: (id: string): Promise<AbsenceOverview> =>
      http.json('POST', `/api/absence/${encodeURIComponent(id)}/start`, absenceOverviewSchema),
    end: (id: string): Promise<AbsenceOverview> =>
      http.json('POST', `/api/absence/${encodeURIComponent(id)}/end`, absenceOverviewSchema),
    timeSettings: (signal?: AbortSignal): Promise<TimeSettingsResponse> =>
      http.json('GET', '/api/time-settings', timeSettingsResponseSchema, { signal }),
    saveTimeSettings: (settings: TimeSettings): Promise<TimeSettingsResponse> =>
      http.json('PUT', '/api/time-settings', timeSettingsResponseSchema, { body: settings }),
  };
}

export function useAbsenceApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createAbsenceApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}

/** The away status everyone sees; realtime `absence.changed` refreshes it, a slow poll catches the rest. */
export function useAbsenceOverview() {
  const api = useAbsenceApi();
  return useQuery({
    queryKey: absenceQueryKeys.overview,
    queryFn: ({ signal }) => api.overview(signal),
    refetchInterval: 60_000,
  });
}
