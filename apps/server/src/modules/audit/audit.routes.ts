import { apiErrorSchema, auditListSchema, auditQuerySchema } from '@guichet/contracts';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireRole } from '../auth/auth.routes.ts';
import { exportAuditCsv, listAudit, type AuditFilter } from './audit.queries.ts';

const exportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true });

function filterOf(query: z.infer<typeof exportQuerySchema>): AuditFilter {
  return {
    action: query.action || undefined,
    actor: query.actor || undefined,
    subjectType: query.subjectType || undefined,
    from: query.from ? Date.parse(query.from) : undefined,
    to: query.to ? Date.parse(query.to) : undefined,
  };
}

/** The audit trail (F28): admins only, because it shows every account's sign-ins and addresses. */
export function registerAuditRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit lines, newest first, filtered by action prefix, actor, subject type and dates (admins)',
        querystring: auditQuerySchema,
        response: { 200: auditListSchema, 400: apiErrorSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const session = requireRole(request, ['admin']);
      const { cursor, limit, ...filter } = request.query;
      return listAudit(deps.db, session.workspaceId, filterOf(filter), { limit, cursor });
    },
  );

  app.get(
    '/api/audit.csv',
    {
      schema: {
        tags: ['audit'],
        summary: 'The filtered audit lines as a CSV file (admins)',
        querystring: exportQuerySchema,
        // text/csv, not JSON: Fastify sends a string with its own content type as it is.
        response: {
          200: z.string().describe('CSV, UTF-8 with a byte-order mark'),
          400: apiErrorSchema,
          403: apiErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const session = requireRole(request, ['admin']);
      const csv = await exportAuditCsv(deps.db, session.workspaceId, filterOf(request.query));
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="guichet-audit-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(`\ufeff${csv}`);
    },
  );
}
