import { invalidBody, invalidParam } from './errors.ts';
import { userIdOf, type RequestContext, type RouteFn, type ServerDeps } from './routing.ts';

/**
 * Media upload (OpenAPI tag Media): the one-shot `POST /2/media/upload`, the chunked
 * initialize/append/finalize flow and the status read, all in the user's context with `media.write`.
 * The work is in media-upload.ts; here only the HTTP shapes.
 */

const MEDIA_WRITE = { auth: 'user', scopes: ['media.write'] } as const;

function bodyObject(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidBody('A JSON or multipart/form-data body is required.');
  }
  return body as Record<string, unknown>;
}

export function registerMediaUploadRoutes(route: RouteFn, deps: ServerDeps): void {
  const { uploads } = deps.engine;

  route('POST', '/2/media/upload', MEDIA_WRITE, (ctx) => ({
    status: 200,
    body: uploads.oneShot(userIdOf(ctx.identity), bodyObject(ctx)),
  }));
  route('GET', '/2/media/upload', MEDIA_WRITE, (ctx) => {
    const q = ctx.url.searchParams;
    const command = q.get('command');
    if (command !== null && command !== 'STATUS') {
      throw invalidParam(
        'command',
        command,
        `The \`command\` query parameter value [${command}] is not one of [STATUS]`,
      );
    }
    const id = q.get('media_id');
    if (id === null) throw invalidParam('media_id', '', 'The `media_id` query parameter can not be empty');
    return { status: 200, body: uploads.status(userIdOf(ctx.identity), id) };
  });
  route('POST', '/2/media/upload/initialize', MEDIA_WRITE, (ctx) => ({
    status: 200,
    body: uploads.initialize(userIdOf(ctx.identity), bodyObject(ctx)),
  }));
  route('POST', '/2/media/upload/:id/append', MEDIA_WRITE, (ctx) => ({
    status: 200,
    body: uploads.append(userIdOf(ctx.identity), ctx.params.id!, bodyObject(ctx)),
  }));
  route('POST', '/2/media/upload/:id/finalize', MEDIA_WRITE, (ctx) => ({
    status: 200,
    body: uploads.finalize(userIdOf(ctx.identity), ctx.params.id!),
  }));
}
