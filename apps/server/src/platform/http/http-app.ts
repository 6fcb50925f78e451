import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError, httpStatusByKind } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route, as registered; lets a test prove that no private route was left open. */
    registeredRoutes: RegisteredRoute[];
  }
  interface FastifyContextConfig {
    /** Reachable without a session. Everything under /api is private unless it says so. */
    public?: boolean;
  }
}

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Built web app; served with an index.html fallback for client-side routes. */
  webDistDir?: string | undefined;
}

export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Bodies are small JSON documents; a larger one is a mistake or an attack.
    bodyLimit: 1024 * 1024,
    // Our onResponse hook logs requests (errors at error level, the rest at debug) with the route's metrics.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>() as unknown as HttpApp;

  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, public: Boolean(route.config?.public) });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guichet API',
        version: options.version,
        description: 'Social customer-care desk for X. Session cookie authentication (sign in first).',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'guichet_session' } },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onResponse', async (request, reply) => {
    options.metrics.httpRequests
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) {
      request.log.error({ method: request.method, url: request.url, status: reply.statusCode }, 'request failed');
    } else {
      request.log.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'request');
    }
  });

  app.setErrorHandler((error: Error, request, reply) => {
    if (error instanceof AppError) {
      return reply
        .status(httpStatusByKind[error.kind])
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send({
        error: {
          code: 'request.invalid',
          message:
            'The request is not valid: ' +
            error.validation.map((v) => `${v.instancePath.replace(/^\//, '') || 'request'}: ${v.message}`).join('; '),
          details: error.validation.map((v) => ({ path: v.instancePath, message: v.message })),
        },
      });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code ?? 'request';
      return reply
        .status(status)
        .send({ error: { code: `request.${code.toLowerCase().replace(/^fst_err_/, '')}`, message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  });

  const indexFile = options.webDistDir ? path.join(options.webDistDir, 'index.html') : undefined;
  if (options.webDistDir && indexFile && fs.existsSync(indexFile)) {
    await app.register(fastifyStatic, { root: options.webDistDir, wildcard: false, index: false });
  }

  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/api';
    if (!isApi && request.method === 'GET' && indexFile && fs.existsSync(indexFile)) {
      // Client-side routes (/cases/…) load the single-page app, which routes itself.
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(fs.createReadStream(indexFile));
    }
    if (!isApi && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built. Run `npm run build` (npm start does it for you).');
    }
    return reply.status(404).send({
      error: { code: 'route.not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
    });
  });

  return app;
}
