import {
  caseTriageSchema,
  helpTriageQueueSchema,
  type HelpTriageQueue,
  type MessageTypeValue,
  retrainResponseSchema,
  triageModelsSchema,
  type CaseTriage,
  type TriageCorrectionRequest,
  type TriageModels,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const triageQueryKeys = {
  models: ['triage', 'models'] as const,
  helpQueue: ['triage', 'help-queue'] as const,
  /** Under `cases` so that realtime case changes refresh it. */
  caseTriage: (caseId: string) => ['cases', 'triage', caseId] as const,
};

/** Corrections from the case screen, and the workspace model's retraining (leads). */
export function createTriageApi(http: HttpClient) {
  return {
    caseTriage: (caseId: string, signal?: AbortSignal): Promise<CaseTriage> =>
      http.json('GET', `/api/cases/${encodeURIComponent(caseId)}/triage`, caseTriageSchema, { signal }),
    correct: (caseId: string, correction: TriageCorrectionRequest): Promise<CaseTriage> =>
      http.json('POST', `/api/cases/${encodeURIComponent(caseId)}/triage`, caseTriageSchema, { body: correction }),
    models: (signal?: AbortSignal): Promise<TriageModels> =>
      http.json('GET', '/api/triage/models', triageModelsSchema, { signal }),
    retrain: (): Promise<{ id: string }> => http.json('POST', '/api/triage/models', retrainResponseSchema),
    activate: (modelId: string | null): Promise<TriageModels> =>
      http.json('PUT', '/api/triage/active-model', triageModelsSchema, { body: { modelId } }),
    helpQueue: (signal?: AbortSignal): Promise<HelpTriageQueue> =>
      http.json('GET', '/api/triage/help-queue', helpTriageQueueSchema, { signal }),
    answer: (messageId: string, type: MessageTypeValue): Promise<void> =>
      http.empty('POST', '/api/triage/help-queue/answers', { body: { messageId, type } }),
  };
}

export function useTriageApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createTriageApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
