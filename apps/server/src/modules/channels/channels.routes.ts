import {
  apiErrorSchema,
  channelListSchema,
  channelSearchCreateSchema,
  channelSearchSchema,
  channelSummarySchema,
  channelUpdateSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { newId } from '../../platform/ids.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import { parseChannelSettings } from './channel-settings.ts';
import { channelSummary } from './channels.queries.ts';

const channelParams = z.object({ channelId: z.string().min(1).max(100) });
const searchParams = channelParams.extend({ searchId: z.string().min(1).max(100) });

export function registerChannelRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  const findOwnChannel = async (workspaceId: string, channelId: string) => {
    const channel = await deps.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', channelId)
      .executeTakeFirst();
    if (!channel) throw new AppError('channel.not_found', 'not_found', 'This channel does not exist.');
    return channel;
  };

  app.get(
    '/api/channels',
    {
      schema: {
        tags: ['channels'],
        summary: 'Connected accounts with their health and X API spend',
        response: { 200: channelListSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const now = deps.clock.now().getTime();
      const channels = await deps.db
        .selectFrom('channels')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .execute();
      return { channels: await Promise.all(channels.map((c) => channelSummary(deps.db, c, now))) };
    },
  );

  app.patch(
    '/api/channels/:channelId',
    {
      schema: {
        tags: ['channels'],
        summary: 'Set the monthly X budget, or pause and resume a channel (leads and admins)',
        params: channelParams,
        body: channelUpdateSchema,
        response: { 200: channelSummarySchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin', 'lead']);
      const channel = await findOwnChannel(session.workspaceId, request.params.channelId);
      const now = deps.clock.now().getTime();
      const settings = parseChannelSettings(channel.settings);
      if (request.body.monthlyBudgetUsd !== undefined) settings.monthlyBudgetUsd = request.body.monthlyBudgetUsd;
      if (request.body.muteWords !== undefined) settings.muteWords = request.body.muteWords;
      const status = request.body.paused === undefined ? channel.status : request.body.paused ? 'paused' : 'active';
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('channels')
          .set({ settings: JSON.stringify(settings), status, updated_at: now })
          .where('id', '=', channel.id)
          .execute();
        await recordEvents(tx, [
          {
            workspaceId: session.workspaceId,
            type: 'channel.updated',
            subjectId: channel.id,
            actor: { type: 'agent', id: session.agentId },
            payload: { ...request.body },
            occurredAt: now,
          },
        ]);
      });
      const updated = await findOwnChannel(session.workspaceId, channel.id);
      return channelSummary(deps.db, updated, now);
    },
  );

  app.post(
    '/api/channels/:channelId/searches',
    {
      schema: {
        tags: ['channels'],
        summary: 'Save a brand-monitoring search: posts naming the brand without its handle',
        params: channelParams,
        body: channelSearchCreateSchema,
        response: { 201: channelSearchSchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin', 'lead']);
      const channel = await findOwnChannel(session.workspaceId, request.params.channelId);
      const now = deps.clock.now().getTime();
      const id = newId(now);
      await deps.db
        .insertInto('channel_searches')
        .values({
          id,
          workspace_id: session.workspaceId,
          channel_id: channel.id,
          name: request.body.name,
          query: request.body.query,
          enabled: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return reply.status(201).send({ id, name: request.body.name, query: request.body.query, enabled: true });
    },
  );

  app.delete(
    '/api/channels/:channelId/searches/:searchId',
    {
      schema: {
        tags: ['channels'],
        summary: 'Delete a saved search',
        params: searchParams,
        response: { 204: z.null(), 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin', 'lead']);
      const channel = await findOwnChannel(session.workspaceId, request.params.channelId);
      const deleted = await deps.db
        .deleteFrom('channel_searches')
        .where('channel_id', '=', channel.id)
        .where('id', '=', request.params.searchId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) {
        throw new AppError('channel.search_not_found', 'not_found', 'This saved search does not exist.');
      }
      await deps.db
        .deleteFrom('cursors')
        .where('channel_id', '=', channel.id)
        .where('feed', '=', `search:${request.params.searchId}`)
        .execute();
      return reply.status(204).send(null);
    },
  );
}
