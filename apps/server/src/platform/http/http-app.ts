import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
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
import { guardStateChangingRequest, isApiRoute } from './request-guards.ts';
import { securityHeaders } from './security-headers.ts';

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
  /** Needs a session or an API token (see isPrivateRoute). */
  private: boolean;
}

/** Every route under /api is private unless its config says `public: true`; routes outside /api are not. */
export function isPrivateRoute(url: string, config: { public?: boolean | undefined } | undefined): boolean {
  return isApiRoute(url) && !config?.public;
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
  /** GUICHET_PUBLIC_URL's origin: the only origin changes are accepted from when set. */
  publicUrl?: string | undefined;
  /** GUICHET_TRUSTED_PROXIES: whose X-Forwarded-* headers are believed. None by default. */
  trustedProxies?: string[] | undefined;
  /** Served over https (GUICHET_COOKIE_SECURE): adds HSTS. */
  cookieSecure?: boolean | undefined;
  /** Origins besides X's CDN that message media load from (the built-in sandbox's own media host). */
  mediaOrigins?: string[] | undefined;
}

function normalisedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the raw path.
  }
  return decoded.replace(/\/{2,}/g, '/');
}

/**
 * JSON bodies as Fastify parses them (prototype-poisoning checks included), except that an empty body with
 * a JSON content type is accepted as no body: body-less POSTs must say `application/json` (see the request
 * guard), and `curl -X POST -H 'content-type: application/json'` should then just work.
 */
function acceptEmptyJsonBodies(app: HttpApp): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });
}

export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Bodies are small JSON documents; a larger one is a mistake or an attack.
    bodyLimit: 1024 * 1024,
    // Our onResponse hook logs requests (errors at error level, the rest at debug) with the route's metrics.
    logController: new LogController({ disableRequestLogging: true }),
    // Forwarded headers are anyone's to write: believed only from the proxies named in the configuration,
    // otherwise a client picks its own address (and so its sign-in throttle) with X-Forwarded-For.
    trustProxy: options.trustedProxies?.length ? options.trustedProxies : false,
  }).withTypeProvider<ZodTypeProvider>() as unknown as HttpApp;

  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({
        method,
        url: route.url,
        public: Boolean(route.config?.public),
        private: isPrivateRoute(route.url, route.config),
      });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  acceptEmptyJsonBodies(app);
  await app.register(cookie);
  await app.register(
    helmet,
    securityHeaders({
      publicUrl: options.publicUrl,
      cookieSecure: Boolean(options.cookieSecure),
      mediaOrigins: options.mediaOrigins,
    }),
  );
  app.addHook('onRequest', guardStateChangingRequest(options.publicUrl));
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await registerOpenApi(app, options.version);

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

  handleErrors(app);
  await serveWebApp(app, options.webDistDir);

  return app;
}

/** The OpenAPI document at /api/openapi.json: both ways to authenticate, and how changes are sent. */
async function registerOpenApi(app: HttpApp, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guichet API',
        version: version,
        description:
          'Social customer-care desk for X. Authenticate with the session cookie (sign in first) or with an API ' +
          'token created by an admin: `Authorization: Bearer gch_…`. A token works on the routes its scopes ' +
          '(cases:read, cases:write, replies:write, reports:read, settings:read, settings:write) cover; ' +
          'changes are sent as JSON with `Content-Type: application/json`, even without a body.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'guichet_session' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'gch_ API token', description: 'API token' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

/** Domain errors and validation failures as JSON with a stable code; anything else is a logged 500. */
function handleErrors(app: HttpApp): void {
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
}

/** The built web app, with index.html for client-side routes; unknown API paths get a JSON 404. */
async function serveWebApp(app: HttpApp, webDistDir: string | undefined): Promise<void> {
  const indexFile = webDistDir ? path.join(webDistDir, 'index.html') : undefined;
  if (webDistDir && indexFile && fs.existsSync(indexFile)) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false, index: false });
  }

  app.setNotFoundHandler((request, reply) => {
    // The path as the router would read it: an encoded or doubled `/%61pi//x` is still an API path.
    const isApi = isApiRoute(normalisedPath(request.url));
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
}
