import { ConnectorError } from '@guichet/connectors';
import { accountChecklistSchema, apiErrorSchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireRole } from '../auth/auth.routes.ts';
import { readBusinessHours } from '../business-hours/business-hours.repository.ts';
import { readReplySettings } from '../templates/templates.repository.ts';
import { accountChecklist } from './account-checklist.ts';
import type { ChannelConnectors } from './channel-connectors.ts';

const params = z.object({ channelId: z.string().min(1).max(100) });

/** The set-up checklist of a connected account (F30), read from its live profile on X. */
export function registerAccountChecklistRoutes(app: HttpApp, deps: { db: Db; connectors: ChannelConnectors }): void {
  app.get(
    '/api/channels/:channelId/checklist',
    {
      schema: {
        tags: ['channels'],
        summary: "The account's set-up checklist, from its profile as X returns it (leads and admins)",
        params,
        response: {
          200: accountChecklistSchema,
          400: apiErrorSchema,
          403: apiErrorSchema,
          404: apiErrorSchema,
          503: apiErrorSchema,
        },
      },
    },
    async (request) => {
      // Each look costs an X user read: for those who act on the advice.
      const session = requireRole(request, ['admin', 'lead']);
      const channel = await deps.db
        .selectFrom('channels')
        .selectAll()
        .where('workspace_id', '=', session.workspaceId)
        .where('id', '=', request.params.channelId)
        .executeTakeFirst();
      if (!channel) throw new AppError('channel.not_found', 'not_found', 'This channel does not exist.');
      const connector = deps.connectors.get(channel);
      if (!connector.getOwnProfile) {
        throw new AppError('channel.checklist_unsupported', 'invalid', 'This network does not show its profiles.');
      }
      let profile;
      try {
        profile = await connector.getOwnProfile();
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        throw new AppError(
          'channel.profile_unavailable',
          error.kind === 'unauthorized' || error.kind === 'rejected' ? 'invalid' : 'unavailable',
          `X did not return the profile: ${error.message}`,
          { reason: error.reason },
        );
      }
      const [replies, hours] = await Promise.all([
        readReplySettings(deps.db, session.workspaceId),
        readBusinessHours(deps.db, session.workspaceId),
      ]);
      return {
        channelId: channel.id,
        profile: {
          handle: profile.handle,
          name: profile.name,
          description: profile.description,
          url: profile.url,
          profileImageUrl: profile.profileImageUrl,
          pinnedPost: profile.pinnedPost ? { id: profile.pinnedPost.externalId, text: profile.pinnedPost.text } : null,
        },
        items: accountChecklist(profile, replies.helpCenterUrl),
        bioFacts: {
          helpCenterUrl: replies.helpCenterUrl,
          supportEmail: replies.supportEmail,
          supportPhone: replies.supportPhone,
          week: hours.workspace
            ? hours.workspace.week.map((day) => day.map(({ start, end }) => ({ start, end })))
            : null,
        },
      };
    },
  );
}
