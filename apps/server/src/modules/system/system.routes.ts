import type { FastifyRequest } from 'fastify';
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
  /** The role of the agent signed in on this request (session cookie), if any. */
  viewerRole: (request: FastifyRequest) => Promise<string | null>;
}

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  // Details for a signed-in admin or a caller on this machine only: versions and database errors help an
  // attacker more than a load balancer, which needs the status (and the 200 or 503) alone.
  database: z
    .object({ status: z.enum(['ok', 'unreachable']), dialect: z.string(), error: z.string().optional() })
    .optional(),
  version: z.string().optional(),
  roles: z.array(z.string()).optional(),
  uptimeSeconds: z.number().optional(),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * A caller on this machine: a loopback address, and no forwarding header (a reverse proxy on the same host,
 * not declared in GUICHET_TRUSTED_PROXIES, would otherwise make every visitor look local).
 */
function isLocalCaller(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-for'] ?? request.headers.forwarded ?? request.headers['x-real-ip'];
  return LOOPBACK.test(request.ip) && forwarded === undefined;
}

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
    async (request, reply) => {
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
      const detailed = isLocalCaller(request) || (await deps.viewerRole(request)) === 'admin';
      return reply.status(error ? 503 : 200).send(detailed ? body : { status: body.status });
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
