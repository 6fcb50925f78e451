import { apiErrorSchema, reportQuerySchema, reportSchema } from '@guichet/contracts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { readReplySettings } from '../templates/templates.repository.ts';
import { computeReport, isTimeZone } from './reports.queries.ts';

/** The longest period one report covers (its comparison period doubles what is read). */
const MAX_RANGE_MS = 400 * 24 * 3_600_000;

export function registerReportRoutes(app: HttpApp, deps: { db: Db }): void {
  app.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'Response rate, response and resolution times, volume and per-agent figures for a period',
        querystring: reportQuerySchema,
        response: { 200: reportSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const from = Date.parse(request.query.from);
      const to = Date.parse(request.query.to);
      if (!(to > from) || to - from > MAX_RANGE_MS) {
        throw new AppError(
          'report.invalid_range',
          'invalid',
          'The period must end after it starts and last at most 400 days.',
        );
      }
      const timeZone = request.query.timeZone ?? (await readReplySettings(deps.db, workspaceId)).timeZone;
      if (!isTimeZone(timeZone)) throw new AppError('report.invalid_time_zone', 'invalid', 'Unknown time zone.');
      return computeReport(deps.db, { workspaceId, from, to, timeZone, channelId: request.query.channelId });
    },
  );
}
