import type { CaseStatus } from '@guichet/contracts';

/** One place for query keys, so realtime invalidation and screens agree on them. */
export const queryKeys = {
  session: ['session'] as const,
  cases: ['cases'] as const,
  caseLists: ['cases', 'list'] as const,
  caseList: (status: CaseStatus | undefined) => ['cases', 'list', { status: status ?? 'all' }] as const,
  caseDetail: (caseId: string) => ['cases', 'detail', caseId] as const,
};
