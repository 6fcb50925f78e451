import {
  priorityPolicyResponseSchema,
  ruleDtoSchema,
  ruleListSchema,
  ruleTestResultSchema,
  sampleTriageSchema,
  templateSuggestionsSchema,
  type PriorityPolicyDto,
  type PriorityPolicyResponse,
  type RuleDraft,
  type RuleDto,
  type RuleEventValue,
  type RuleTestResult,
  type SamplePost,
  type SampleTriage,
  type TemplateSuggestions,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const rulesQueryKeys = {
  rules: ['rules', 'list'] as const,
  policy: ['rules', 'priority-policy'] as const,
  /** Under `cases` so that a case change (a rule fired) refreshes them. */
  suggestions: (caseId: string) => ['cases', 'template-suggestions', caseId] as const,
};

/** The rules and priority-mapping endpoints, typed with the shared contracts. */
export function createRulesApi(http: HttpClient) {
  return {
    list: (signal?: AbortSignal): Promise<{ rules: RuleDto[] }> =>
      http.json('GET', '/api/rules', ruleListSchema, { signal }),
    create: (rule: RuleDraft): Promise<RuleDto> => http.json('POST', '/api/rules', ruleDtoSchema, { body: rule }),
    update: (id: string, rule: RuleDraft): Promise<RuleDto> =>
      http.json('PUT', `/api/rules/${encodeURIComponent(id)}`, ruleDtoSchema, { body: rule }),
    remove: (id: string): Promise<void> => http.empty('DELETE', `/api/rules/${encodeURIComponent(id)}`),
    reorder: (ids: string[]): Promise<{ rules: RuleDto[] }> =>
      http.json('PUT', '/api/rules-order', ruleListSchema, { body: { ids } }),
    test: (rule: RuleDraft, sample: SamplePost & { event?: RuleEventValue }): Promise<RuleTestResult> =>
      http.json('POST', '/api/rules/test', ruleTestResultSchema, { body: { rule, sample } }),
    getPolicy: (signal?: AbortSignal): Promise<PriorityPolicyResponse> =>
      http.json('GET', '/api/triage/priority-policy', priorityPolicyResponseSchema, { signal }),
    savePolicy: (policy: PriorityPolicyDto): Promise<PriorityPolicyResponse> =>
      http.json('PUT', '/api/triage/priority-policy', priorityPolicyResponseSchema, { body: policy }),
    classify: (sample: SamplePost & { policy?: PriorityPolicyDto }): Promise<SampleTriage> =>
      http.json('POST', '/api/triage/classify', sampleTriageSchema, { body: sample }),
    suggestions: (caseId: string, signal?: AbortSignal): Promise<TemplateSuggestions> =>
      http.json('GET', `/api/cases/${encodeURIComponent(caseId)}/template-suggestions`, templateSuggestionsSchema, {
        signal,
      }),
  };
}

export function useRulesApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createRulesApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
