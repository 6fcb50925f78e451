import { staffingForecastSchema, type StaffingForecast, type StaffingQuery } from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** The staffing forecast (F26), typed with the shared contracts. */
export function createStaffingApi(http: HttpClient) {
  return {
    forecast: (query: StaffingQuery, signal?: AbortSignal): Promise<StaffingForecast> => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      return http.json('GET', `/api/staffing?${params.toString()}`, staffingForecastSchema, { signal });
    },
  };
}

export function useStaffingApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createStaffingApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
