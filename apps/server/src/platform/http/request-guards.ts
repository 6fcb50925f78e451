import type { FastifyReply, FastifyRequest } from 'fastify';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Inside /api, decided on the route pattern the router matched. */
export function isApiRoute(route: string): boolean {
  return route === '/api' || route.startsWith('/api/');
}

/**
 * The desk's own origin: GUICHET_PUBLIC_URL when set, else the scheme and host the request came to (the
 * Host header; X-Forwarded-Proto and -Host count only from a trusted proxy, as Fastify reads them then).
 */
export function deskOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? originOf(`${request.protocol}://${request.host}`) ?? 'null';
}

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Where the browser says the request comes from: Origin, else the Referer's origin. */
function requestOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) return originOf(origin) ?? 'null';
  const referer = request.headers.referer;
  return referer === undefined ? undefined : (originOf(referer) ?? 'null');
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return type !== undefined && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** A script with a token and no cookie: nothing ambient for another site to ride on. */
function isCookielessBearer(request: FastifyRequest): boolean {
  return /^Bearer\s/i.test(request.headers.authorization ?? '') && !request.headers.cookie;
}

/**
 * Cross-site request forgery guard for /api's state-changing requests (webhooks, outside /api, are signed
 * instead). SameSite=Lax cookies already stay home on cross-site POSTs; this also refuses:
 * - a request whose Origin (or Referer) is another site's, including a sibling subdomain's (403);
 * - a POST that is not `application/json`, even without a body, and a body of another type on PUT, PATCH or
 *   DELETE (415): a form or a no-cors fetch can only send form or text types without the browser asking the
 *   desk first, and the desk never says yes to such a question.
 * Bearer-token requests without cookies skip the Origin check: a token is never sent by a browser on its own.
 */
export function guardStateChangingRequest(publicUrl: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (!STATE_CHANGING.has(request.method) || !route || !isApiRoute(route)) return;
    if (!isCookielessBearer(request)) {
      const origin = requestOrigin(request);
      if (origin !== undefined && origin !== deskOrigin(request, publicUrl)) {
        return reply.status(403).send({
          error: {
            code: 'request.foreign_origin',
            message: 'This request comes from another site; the desk only accepts changes from its own pages.',
          },
        });
      }
    }
    if ((request.method === 'POST' || hasBody(request)) && !isJson(request)) {
      return reply.status(415).send({
        error: {
          code: 'request.json_required',
          message: 'Send changes as JSON, with Content-Type: application/json (even without a body).',
        },
      });
    }
  };
}
