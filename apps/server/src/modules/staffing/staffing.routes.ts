import { apiErrorSchema, staffingForecastSchema, staffingQuerySchema } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { isTimeZone } from '../reports/reports.queries.ts';
import { readReplySettings } from '../templates/templates.repository.ts';
import { staffingForecast } from './staffing.queries.ts';

export function registerStaffingRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/staffing',
    {
      schema: {
        tags: ['reports'],
        summary: 'Agents needed per hour of the week to meet the first-response target (Erlang C), beside the rota',
        querystring: staffingQuerySchema,
        response: { 200: staffingForecastSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const timeZone = request.query.timeZone ?? (await readReplySettings(deps.db, workspaceId)).timeZone;
      if (!isTimeZone(timeZone)) throw new AppError('staffing.invalid_time_zone', 'invalid', 'Unknown time zone.');
      return staffingForecast(deps.db, {
        workspaceId,
        now: deps.clock.now().getTime(),
        timeZone,
        weeks: request.query.weeks ?? 4,
        targetShare: request.query.targetShare ?? 0.8,
        targetMinutes: request.query.targetMinutes,
        handleMinutes: request.query.handleMinutes,
      });
    },
  );
}
