import type { CaseListParams } from './guichetApi.ts';

/** One place for query keys, so realtime invalidation and screens agree on them. */
export const queryKeys = {
  session: ['session'] as const,
  cases: ['cases'] as const,
  caseLists: ['cases', 'list'] as const,
  caseList: (params: CaseListParams) => ['cases', 'list', params] as const,
  caseDetail: (caseId: string) => ['cases', 'detail', caseId] as const,
  overview: ['cases', 'overview'] as const,
  /** Under the overview: every case change refreshes the leads' approval queue and its count. */
  approvals: ['cases', 'overview', 'approvals'] as const,
  /** Under `cases` so that sign-out forgets them and any case change refreshes them. */
  contacts: ['cases', 'contacts'] as const,
  contact: (contactId: string) => ['cases', 'contacts', contactId] as const,
  agents: ['directory', 'agents'] as const,
  teams: ['directory', 'teams'] as const,
  tags: ['directory', 'tags'] as const,
  templates: ['templates'] as const,
  replySettings: ['reply-settings'] as const,
};
