import {
  businessHoursSettingsSchema,
  slaAlertListSchema,
  slaPoliciesSchema,
  type BusinessHoursSettings,
  type SaveBusinessHoursRequest,
  type SlaAlertList,
  type SlaPolicies,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const slaQueryKeys = {
  hours: ['sla', 'hours'] as const,
  policies: ['sla', 'policies'] as const,
  /** Under `cases` so that sign-out forgets them and case changes refresh them. */
  alerts: ['cases', 'sla-alerts'] as const,
};

/** The SLA endpoints, typed with the shared contracts. */
export function createSlaApi(http: HttpClient) {
  return {
    getHours: (signal?: AbortSignal): Promise<BusinessHoursSettings> =>
      http.json('GET', '/api/sla/hours', businessHoursSettingsSchema, { signal }),
    saveHours: (request: SaveBusinessHoursRequest): Promise<BusinessHoursSettings> =>
      http.json('PUT', '/api/sla/hours', businessHoursSettingsSchema, { body: request }),
    getPolicies: (signal?: AbortSignal): Promise<SlaPolicies> =>
      http.json('GET', '/api/sla/policies', slaPoliciesSchema, { signal }),
    savePolicies: (request: SlaPolicies): Promise<SlaPolicies> =>
      http.json('PUT', '/api/sla/policies', slaPoliciesSchema, { body: request }),
    getAlerts: (signal?: AbortSignal): Promise<SlaAlertList> =>
      http.json('GET', '/api/sla/alerts', slaAlertListSchema, { signal }),
    markAlertsRead: (): Promise<SlaAlertList> => http.json('POST', '/api/sla/alerts/read', slaAlertListSchema),
  };
}

export function useSlaApi() {
  const queryClient = useQueryClient();
  return useMemo(() => createSlaApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })), [queryClient]);
}
