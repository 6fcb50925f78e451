import {
  apiErrorSchema,
  createScheduledPostSchema,
  scheduledPostListSchema,
  scheduledPostRangeQuerySchema,
  scheduledPostSchema,
  updateScheduledPostSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import {
  cancelScheduledPost,
  editScheduledPost,
  retryScheduledPost,
  schedulePost,
} from './scheduled-posts.commands.ts';
import { enqueueDueScheduledPosts } from './scheduled-posts.jobs.ts';
import { findScheduledPost, listScheduledPosts } from './scheduled-posts.queries.ts';

const postParams = z.object({ postId: z.string().min(1).max(100) });
const writeErrors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

export interface ScheduledPostRouteDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
  realtime: RealtimeBus;
}

/** Brand posts speak for the whole account: trainees (whose replies need approval) do not publish them. */
function requirePublisher(request: Parameters<typeof requireAuth>[0]): AuthenticatedSession {
  const session = requireAuth(request);
  if (session.role === 'trainee') {
    throw new AppError('scheduled_post.forbidden', 'forbidden', 'Trainees cannot publish posts for the brand.');
  }
  return session;
}

/** Scheduled posts and the calendar (F23). */
export function registerScheduledPostRoutes(app: HttpApp, deps: ScheduledPostRouteDeps): void {
  const load = async (workspaceId: string, id: string) => {
    const post = await findScheduledPost(deps.db, workspaceId, id);
    if (!post) throw new AppError('scheduled_post.not_found', 'not_found', 'This scheduled post does not exist.');
    return post;
  };
  const changed = async (workspaceId: string, id: string, publishAt: number) => {
    deps.realtime.publish(workspaceId, {
      type: 'scheduled_post.changed',
      postId: id,
      updatedAt: deps.clock.now().toISOString(),
    });
    // Due now: hand it to the workers at once instead of waiting for the next scheduler round.
    if (publishAt <= deps.clock.now().getTime()) await enqueueDueScheduledPosts(deps);
  };

  app.get(
    '/api/scheduled-posts',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'Posts scheduled or sent within a range (the calendar), oldest first',
        querystring: scheduledPostRangeQuerySchema,
        response: { 200: scheduledPostListSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      const { from, to, status } = request.query;
      return {
        posts: await listScheduledPosts(deps.db, session.workspaceId, {
          from: from.getTime(),
          to: to.getTime(),
          status,
        }),
      };
    },
  );

  app.get(
    '/api/scheduled-posts/:postId',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'One scheduled post with its status',
        params: postParams,
        response: { 200: scheduledPostSchema, 404: apiErrorSchema },
      },
    },
    async (request) => load(requireAuth(request).workspaceId, request.params.postId),
  );

  app.post(
    '/api/scheduled-posts',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'Schedule a post (a time now or past publishes at the next scheduler round)',
        body: createScheduledPostSchema,
        response: { 201: scheduledPostSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const session = requirePublisher(request);
      const publishAt = Date.parse(request.body.publishAt);
      const { id } = await schedulePost(deps.db, deps.clock, {
        workspaceId: session.workspaceId,
        channelId: request.body.channelId,
        text: request.body.text,
        publishAt,
        origin: 'manual',
        originKey: null,
        createdByAgentId: session.agentId,
      });
      await changed(session.workspaceId, id, publishAt);
      return reply.status(201).send(await load(session.workspaceId, id));
    },
  );

  app.patch(
    '/api/scheduled-posts/:postId',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'Edit a post before it starts sending (409 scheduled_post.not_editable afterwards)',
        params: postParams,
        body: updateScheduledPostSchema,
        response: { 200: scheduledPostSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requirePublisher(request);
      const row = await editScheduledPost(
        deps.db,
        deps.clock,
        { workspaceId: session.workspaceId, agentId: session.agentId },
        request.params.postId,
        {
          text: request.body.text,
          channelId: request.body.channelId,
          publishAt: request.body.publishAt === undefined ? undefined : Date.parse(request.body.publishAt),
        },
      );
      await changed(session.workspaceId, row.id, row.publish_at);
      return load(session.workspaceId, row.id);
    },
  );

  app.post(
    '/api/scheduled-posts/:postId/cancel',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'Cancel a post before it starts sending (409 scheduled_post.not_editable afterwards)',
        params: postParams,
        response: { 200: scheduledPostSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requirePublisher(request);
      const row = await cancelScheduledPost(
        deps.db,
        deps.clock,
        { workspaceId: session.workspaceId, agentId: session.agentId },
        request.params.postId,
      );
      await changed(session.workspaceId, row.id, Number.POSITIVE_INFINITY);
      return load(session.workspaceId, row.id);
    },
  );

  app.post(
    '/api/scheduled-posts/:postId/retry',
    {
      schema: {
        tags: ['scheduled-posts'],
        summary: 'Publish a failed post again at the next scheduler round',
        params: postParams,
        response: { 200: scheduledPostSchema, ...writeErrors },
      },
    },
    async (request) => {
      const session = requirePublisher(request);
      const row = await retryScheduledPost(
        deps.db,
        deps.clock,
        { workspaceId: session.workspaceId, agentId: session.agentId },
        request.params.postId,
      );
      await changed(session.workspaceId, row.id, row.publish_at);
      return load(session.workspaceId, row.id);
    },
  );
}
