import {
  caseIncidentsSchema,
  incidentDetailSchema,
  incidentListSchema,
  incidentSuggestionListSchema,
  type CaseIncidents,
  type DeclareIncident,
  type IncidentDetail,
  type IncidentList,
  type IncidentSuggestion,
  type UpdateIncident,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** Under `cases` so that sign-out forgets them; realtime `incident.changed` and `case.changed` refresh them. */
export const incidentKeys = {
  all: ['cases', 'incidents'] as const,
  list: ['cases', 'incidents', 'list'] as const,
  detail: (id: string) => ['cases', 'incidents', 'detail', id] as const,
  suggestions: (id: string) => ['cases', 'incidents', 'suggestions', id] as const,
  ofCase: (caseId: string) => ['cases', 'incidents', 'case', caseId] as const,
};

const incidentPath = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

export function createIncidentsApi(http: HttpClient) {
  return {
    list: (signal?: AbortSignal): Promise<IncidentList> =>
      http.json('GET', '/api/incidents', incidentListSchema, { signal }),
    get: (id: string, signal?: AbortSignal): Promise<IncidentDetail> =>
      http.json('GET', incidentPath(id), incidentDetailSchema, { signal }),
    declare: (input: DeclareIncident): Promise<IncidentDetail> =>
      http.json('POST', '/api/incidents', incidentDetailSchema, { body: input }),
    update: (id: string, input: UpdateIncident): Promise<IncidentDetail> =>
      http.json('PATCH', incidentPath(id), incidentDetailSchema, { body: input }),
    suggestions: async (id: string, signal?: AbortSignal): Promise<IncidentSuggestion[]> =>
      (await http.json('GET', `${incidentPath(id)}/suggestions`, incidentSuggestionListSchema, { signal })).suggestions,
    link: (id: string, caseId: string): Promise<IncidentDetail> =>
      http.json('POST', `${incidentPath(id)}/cases`, incidentDetailSchema, { body: { caseId } }),
    unlink: (id: string, caseId: string): Promise<IncidentDetail> =>
      http.json('DELETE', `${incidentPath(id)}/cases/${encodeURIComponent(caseId)}`, incidentDetailSchema),
    resolve: (id: string): Promise<IncidentDetail> =>
      http.json('POST', `${incidentPath(id)}/resolve`, incidentDetailSchema, { body: {} }),
    ofCase: (caseId: string, signal?: AbortSignal): Promise<CaseIncidents> =>
      http.json('GET', `/api/cases/${encodeURIComponent(caseId)}/incidents`, caseIncidentsSchema, { signal }),
  };
}

export function useIncidentsApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createIncidentsApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
