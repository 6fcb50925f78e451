import { z } from 'zod';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { Metrics } from '../../platform/metrics.ts';

export interface SystemRouteDeps {
  database: DatabaseHandle;
  metrics: Metrics;
  version: string;
  roles: string[];
  startedAt: number;
}

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ status: z.enum(['ok', 'unreachable']), dialect: z.string(), error: z.string().optional() }),
  version: z.string(),
  roles: z.array(z.string()),
  uptimeSeconds: z.number(),
});

export function registerSystemRoutes(app: HttpApp, deps: SystemRouteDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      let error: string | undefined;
      try {
        await deps.database.ping();
      } catch (e) {
        error = (e as Error).message;
      }
      const body = {
        status: error ? ('degraded' as const) : ('ok' as const),
        database: {
          status: error ? ('unreachable' as const) : ('ok' as const),
          dialect: deps.database.dialect,
          ...(error ? { error } : {}),
        },
        version: deps.version,
        roles: deps.roles,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      };
      return reply.status(error ? 503 : 200).send(body);
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
