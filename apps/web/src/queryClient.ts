import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/errors.ts';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (401, 404, …) will not change on a retry; network and 5xx errors may.
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
          return failureCount < 2;
        },
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}
