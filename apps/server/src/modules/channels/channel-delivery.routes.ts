import { apiErrorSchema, channelDeliveryUpdateSchema, channelSummarySchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireRole } from '../auth/auth.routes.ts';
import type { ChannelConnectors } from './channel-connectors.ts';
import { switchDeliveryPath } from './channel-delivery.commands.ts';
import { channelSummary } from './channels.queries.ts';

const params = z.object({ channelId: z.string().min(1).max(100) });

/** Chooses how X pushes a channel's activity: X Activity API, Account Activity API or polling only (admins). */
export function registerChannelDeliveryRoutes(
  app: HttpApp,
  deps: { db: Db; clock: Clock; secrets: SecretBox; connectors: ChannelConnectors },
): void {
  app.put(
    '/api/channels/:channelId/delivery',
    {
      schema: {
        tags: ['channels'],
        summary: 'Choose the delivery path: X Activity API (stream or webhook), Account Activity API, or polling',
        params,
        body: channelDeliveryUpdateSchema,
        response: { 200: channelSummarySchema, 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin']);
      const channel = await deps.db
        .selectFrom('channels')
        .selectAll()
        .where('workspace_id', '=', session.workspaceId)
        .where('id', '=', request.params.channelId)
        .executeTakeFirst();
      if (!channel) throw new AppError('channel.not_found', 'not_found', 'This channel does not exist.');
      await switchDeliveryPath(deps, channel, request.body, await auditContextOf(deps.db, request));
      const updated = await deps.db
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow();
      return channelSummary(deps.db, updated, deps.clock.now().getTime(), deps.secrets);
    },
  );
}
