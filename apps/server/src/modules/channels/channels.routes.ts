import { X_PAY_PER_USE_PRICES } from '@guichet/connectors';
import {
  apiErrorSchema,
  channelConnectKeysSchema,
  channelListSchema,
  channelSearchCreateSchema,
  channelSearchSchema,
  channelSummarySchema,
  channelUpdateSchema,
} from '@guichet/contracts';
import type { XSandbox } from '@guichet/x-sandbox';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth, requireRole } from '../auth/auth.routes.ts';
import { recordEvents } from '../events/events.repository.ts';
import { assertWebhooksPossible, parseChannelSettings } from './channel-settings.ts';
import { connectWithKeys } from './channels.commands.ts';
import { registerChannelOAuth2Routes } from './channels.oauth2.routes.ts';
import { channelSummary } from './channels.queries.ts';
import { notBeforeFeed } from './channels.repository.ts';
import { OAuth2Clients } from './x-oauth2.ts';

export interface ChannelRouteDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
  config: Pick<Config, 'xApiBaseUrl' | 'xOAuth2' | 'cookieSecure' | 'publicUrl'>;
  sandbox: { instance: XSandbox; url: string } | undefined;
}

const channelParams = z.object({ channelId: z.string().min(1).max(100) });
const searchParams = channelParams.extend({ searchId: z.string().min(1).max(100) });

export function registerChannelRoutes(app: HttpApp, deps: ChannelRouteDeps): void {
  const oauth2 = new OAuth2Clients({ ...deps.config.xOAuth2, apiBaseUrl: deps.config.xApiBaseUrl }, () => deps.sandbox);
  const commandDeps = { db: deps.db, clock: deps.clock, secrets: deps.secrets, logger: deps.logger };
  const summary = (channel: Parameters<typeof channelSummary>[1], now: number) =>
    channelSummary(deps.db, channel, now, deps.secrets);

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
      const target = oauth2.forNewConnection();
      return {
        channels: await Promise.all(channels.map((c) => summary(c, now))),
        prices: Object.entries(X_PAY_PER_USE_PRICES).map(([category, unitPriceUsd]) => ({ category, unitPriceUsd })),
        connect: {
          sandboxAvailable: Boolean(deps.sandbox),
          oauth2: target ? (target.sandbox ? ('sandbox' as const) : ('x' as const)) : null,
        },
      };
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
      if (request.body.webhooks !== undefined) {
        // Turning them on makes the desk answer X's CRC with the consumer secret: an admin's decision.
        if (request.body.webhooks) {
          requireRole(request, ['admin']);
          assertWebhooksPossible(deps.secrets, channel);
        }
        settings.webhooks = request.body.webhooks;
      }
      if (request.body.monthlyBudgetUsd !== undefined) settings.monthlyBudgetUsd = request.body.monthlyBudgetUsd;
      if (request.body.muteWords !== undefined) settings.muteWords = request.body.muteWords;
      const status = request.body.paused === undefined ? channel.status : request.body.paused ? 'paused' : 'active';
      const context = await auditContextOf(deps.db, request);
      const before = parseChannelSettings(channel.settings);
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('channels')
          .set({ settings: JSON.stringify(settings), status, updated_at: now })
          .where('id', '=', channel.id)
          .execute();
        // Only what this change could touch: the settings JSON also holds connection details.
        await audit(tx, context, 'channel.updated', now, {
          subject: { type: 'channel', id: channel.id },
          before: {
            paused: channel.status === 'paused',
            monthlyBudgetUsd: before.monthlyBudgetUsd ?? null,
            muteWords: before.muteWords,
            webhooks: before.webhooks ?? false,
          },
          after: {
            paused: status === 'paused',
            monthlyBudgetUsd: settings.monthlyBudgetUsd ?? null,
            muteWords: settings.muteWords,
            webhooks: settings.webhooks ?? false,
          },
          details: { handle: channel.handle },
        });
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
      return summary(updated, now);
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
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await tx
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
        await audit(tx, context, 'channel.search_added', now, {
          subject: { type: 'channel', id: channel.id },
          after: { id, name: request.body.name, query: request.body.query },
        });
      });
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
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        const search = await tx
          .selectFrom('channel_searches')
          .select(['id', 'name', 'query'])
          .where('channel_id', '=', channel.id)
          .where('id', '=', request.params.searchId)
          .executeTakeFirst();
        if (!search) throw new AppError('channel.search_not_found', 'not_found', 'This saved search does not exist.');
        await tx.deleteFrom('channel_searches').where('id', '=', search.id).execute();
        await tx
          .deleteFrom('cursors')
          .where('channel_id', '=', channel.id)
          .where('feed', 'in', [`search:${search.id}`, notBeforeFeed(`search:${search.id}`)])
          .execute();
        await audit(tx, context, 'channel.search_deleted', deps.clock.now().getTime(), {
          subject: { type: 'channel', id: channel.id },
          before: search,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/channels/x/keys',
    {
      schema: {
        tags: ['channels'],
        summary: 'Connect an X account with OAuth 1.0a keys, checked with X before they are stored encrypted',
        body: channelConnectKeysSchema,
        response: { 201: channelSummarySchema, 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request, reply) => {
      // Credentials are the admin's: leads run the desk's work settings, not its connected accounts.
      const session = requireRole(request, ['admin']);
      const { sandbox, ...keys } = request.body;
      const channelId = await connectWithKeys(commandDeps, {
        workspaceId: session.workspaceId,
        agentId: session.agentId,
        audit: await auditContextOf(deps.db, request),
        sandbox,
        apiBaseUrl: deps.config.xApiBaseUrl,
        sandboxUrl: deps.sandbox?.url,
        keys: { ...keys, ...(keys.appBearerToken ? { appBearerToken: keys.appBearerToken } : {}) },
      });
      const channel = await findOwnChannel(session.workspaceId, channelId);
      return reply.status(201).send(await summary(channel, deps.clock.now().getTime()));
    },
  );

  registerChannelOAuth2Routes(app, deps, { oauth2, commandDeps });
}
