import { surveySettingsResponseSchema, type SurveySettings, type SurveySettingsResponse } from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** Under `cases` so that sign-out forgets it. */
export const surveyQueryKeys = { settings: ['cases', 'survey-settings'] as const };

/** The satisfaction survey's settings (F25), typed with the shared contracts. */
export function createSurveysApi(http: HttpClient) {
  return {
    settings: (signal?: AbortSignal): Promise<SurveySettingsResponse> =>
      http.json('GET', '/api/surveys/settings', surveySettingsResponseSchema, { signal }),
    save: (settings: SurveySettings): Promise<SurveySettingsResponse> =>
      http.json('PUT', '/api/surveys/settings', surveySettingsResponseSchema, { body: settings }),
  };
}

export function useSurveysApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createSurveysApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
