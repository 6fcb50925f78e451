import {
  caseDetailSchema,
  caseListSchema,
  messageSchema,
  sessionInfoSchema,
  type CaseDetail,
  type CaseList,
  type CaseStatus,
  type Message,
  type ReplyRequest,
  type SessionInfo,
  type SignInRequest,
} from '@guichet/contracts';
import { isApiError } from './errors.ts';
import type { HttpClient } from './http.ts';

export interface CaseListParams {
  status?: CaseStatus | undefined;
  limit?: number;
  cursor?: string | undefined;
}

/** The server's endpoints, typed with the shared contracts. */
export function createGuichetApi(http: HttpClient) {
  return {
    /** The current session, or null when nobody is signed in. */
    async getSession(signal?: AbortSignal): Promise<SessionInfo | null> {
      try {
        return await http.json('GET', '/api/auth/session', sessionInfoSchema, { signal, allowUnauthorized: true });
      } catch (error) {
        if (isApiError(error) && error.status === 401) return null;
        throw error;
      }
    },

    signIn(request: SignInRequest): Promise<SessionInfo> {
      return http.json('POST', '/api/auth/sign-in', sessionInfoSchema, { body: request, allowUnauthorized: true });
    },

    signOut(): Promise<void> {
      return http.empty('POST', '/api/auth/sign-out', { allowUnauthorized: true });
    },

    listCases(params: CaseListParams, signal?: AbortSignal): Promise<CaseList> {
      const query = new URLSearchParams();
      if (params.status) query.set('status', params.status);
      if (params.limit !== undefined) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      const search = query.toString();
      return http.json('GET', search ? `/api/cases?${search}` : '/api/cases', caseListSchema, { signal });
    },

    getCase(caseId: string, signal?: AbortSignal): Promise<CaseDetail> {
      return http.json('GET', `/api/cases/${encodeURIComponent(caseId)}`, caseDetailSchema, { signal });
    },

    sendReply(caseId: string, request: ReplyRequest): Promise<Message> {
      return http.json('POST', `/api/cases/${encodeURIComponent(caseId)}/replies`, messageSchema, { body: request });
    },
  };
}

export type GuichetApi = ReturnType<typeof createGuichetApi>;
