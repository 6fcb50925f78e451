import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance (tests build several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'guichet_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'guichet_http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    messagesIngested: new Counter({
      name: 'guichet_messages_ingested_total',
      help: 'Inbound messages stored, by network',
      labelNames: ['network'] as const,
      registers: [registry],
    }),
    messagesDelivered: new Counter({
      name: 'guichet_messages_delivered_total',
      help: 'Outbound messages by final outcome',
      labelNames: ['network', 'outcome'] as const,
      registers: [registry],
    }),
    pollsTotal: new Counter({
      name: 'guichet_channel_polls_total',
      help: 'Channel polls by outcome',
      labelNames: ['network', 'feed', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
