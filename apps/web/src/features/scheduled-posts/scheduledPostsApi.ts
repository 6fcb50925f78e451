import {
  scheduledPostListSchema,
  scheduledPostSchema,
  type CreateScheduledPost,
  type ScheduledPost,
  type ScheduledPostList,
  type UpdateScheduledPost,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** Under `cases` so that sign-out forgets them; realtime `scheduled_post.changed` refreshes them. */
export const scheduledPostKeys = {
  all: ['cases', 'scheduled-posts'] as const,
  range: (from: string, to: string) => ['cases', 'scheduled-posts', from, to] as const,
};

const postPath = (id: string) => `/api/scheduled-posts/${encodeURIComponent(id)}`;

export function createScheduledPostsApi(http: HttpClient) {
  return {
    list: (range: { from: string; to: string }, signal?: AbortSignal): Promise<ScheduledPostList> =>
      http.json(
        'GET',
        `/api/scheduled-posts?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`,
        scheduledPostListSchema,
        { signal },
      ),
    create: (post: CreateScheduledPost): Promise<ScheduledPost> =>
      http.json('POST', '/api/scheduled-posts', scheduledPostSchema, { body: post }),
    update: (id: string, change: UpdateScheduledPost): Promise<ScheduledPost> =>
      http.json('PATCH', postPath(id), scheduledPostSchema, { body: change }),
    cancel: (id: string): Promise<ScheduledPost> => http.json('POST', `${postPath(id)}/cancel`, scheduledPostSchema),
    retry: (id: string): Promise<ScheduledPost> => http.json('POST', `${postPath(id)}/retry`, scheduledPostSchema),
  };
}

export function useScheduledPostsApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createScheduledPostsApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
