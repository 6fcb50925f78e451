import {
  apiTokenCreatedSchema,
  apiTokenListSchema,
  apiTokenSchema,
  type ApiToken,
  type ApiTokenCreate,
  type ApiTokenCreated,
  type ApiTokenList,
  type ApiTokenScope,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** The admin area's token list; only admins reach the screen that reads it. */
export const apiTokensQueryKey = ['admin', 'api-tokens'] as const;

/** A scope's key in the catalogues: i18next reads `:` as a namespace separator, so `cases:read` is `cases_read`. */
export function scopeKey(scope: ApiTokenScope): ScopeKey<ApiTokenScope> {
  return scope.replace(':', '_') as ScopeKey<ApiTokenScope>;
}

type ScopeKey<S extends string> = S extends `${infer Area}:${infer Access}` ? `${Area}_${Access}` : never;

/** The admin's API tokens (F29): list, create (the token is in that one answer), revoke. */
export function createApiTokensApi(http: HttpClient) {
  return {
    list: (signal?: AbortSignal): Promise<ApiTokenList> =>
      http.json('GET', '/api/api-tokens', apiTokenListSchema, { signal }),
    create: (input: ApiTokenCreate): Promise<ApiTokenCreated> =>
      http.json('POST', '/api/api-tokens', apiTokenCreatedSchema, { body: input }),
    revoke: (tokenId: string): Promise<ApiToken> =>
      http.json('POST', `/api/api-tokens/${encodeURIComponent(tokenId)}/revoke`, apiTokenSchema),
  };
}

export function useApiTokensApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createApiTokensApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
