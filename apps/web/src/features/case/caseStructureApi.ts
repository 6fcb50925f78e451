import {
  caseRestructureResultSchema,
  messagePageSchema,
  type CaseRestructureResult,
  type MessagePage,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;

/** Long threads in pages; split and merge (issue 13). */
export function useCaseStructureApi() {
  const queryClient = useQueryClient();
  return useMemo(() => {
    const http = new HttpClient({ onUnauthorized: () => endSession(queryClient) });
    return {
      olderMessages: (caseId: string, before: string, signal?: AbortSignal): Promise<MessagePage> =>
        http.json('GET', `${casePath(caseId)}/messages?before=${encodeURIComponent(before)}`, messagePageSchema, {
          signal,
        }),
      split: (caseId: string, atMessageId: string): Promise<CaseRestructureResult> =>
        http.json('POST', `${casePath(caseId)}/split`, caseRestructureResultSchema, { body: { atMessageId } }),
      merge: (caseId: string, absorbedCaseId: string): Promise<CaseRestructureResult> =>
        http.json('POST', `${casePath(caseId)}/merge`, caseRestructureResultSchema, { body: { absorbedCaseId } }),
    };
  }, [queryClient]);
}
