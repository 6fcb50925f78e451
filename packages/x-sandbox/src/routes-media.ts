import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth.ts';
import type { SandboxEngine } from './engine.ts';
import { sandboxImagePng } from './media-images.ts';
import type { SandboxMedia } from './media.ts';

/**
 * The sandbox's media hosts: /media/<key>.png stands for pbs.twimg.com (public: anyone with the URL loads the
 * picture) and /1.1/ton/data/dm/<event>/<media id>/<name>.png for ton.twitter.com, where a DM's picture is
 * served only to a request signed by one of the conversation's participants (contract: DM media need the
 * account's credentials). Answers before the API router, like the demo page.
 */
export function handleMediaRequest(req: IncomingMessage, res: ServerResponse, engine: SandboxEngine): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.local');
  } catch {
    return false;
  }
  const isPublic = /^\/media\/([0-9]{1,2}_[0-9]{1,19})\.png$/.exec(url.pathname);
  const isDm = /^\/1\.1\/ton\/data\/dm\/([0-9]{1,19})\/([0-9]{1,19})\/[a-z]+\.png$/.exec(url.pathname);
  if (!isPublic && !isDm) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    return true;
  }
  if (isPublic) {
    const found = engine.findMedia(isPublic[1]!);
    // A DM's media key does not open the public host.
    if (!found?.tweet) send(res, 404, 'Not Found');
    else sendPng(res, found.media, req.method === 'HEAD', 'public, max-age=86400', engine);
    return true;
  }
  const [, eventId, mediaId] = isDm!;
  const identity = authenticate(engine, req, url);
  if (!identity || identity.kind === 'app') {
    send(res, 401, 'Unauthorized');
    return true;
  }
  const dm = engine.listDmEvents({ userId: identity.userId }).find((e) => e.id === eventId);
  if (!dm?.media || dm.media.mediaKey.split('_')[1] !== mediaId) send(res, 404, 'Not Found');
  else sendPng(res, dm.media, req.method === 'HEAD', 'private, no-store', engine);
  return true;
}

/** The drawn picture, or the file itself when it was uploaded through the API (with its own type). */
function sendPng(
  res: ServerResponse,
  media: SandboxMedia,
  headOnly: boolean,
  cache: string,
  engine: SandboxEngine,
): void {
  const uploaded = media.uploaded ? engine.uploads.file(media.mediaKey) : undefined;
  const png = uploaded?.data ?? sandboxImagePng(media.image, media.type !== 'photo');
  res.writeHead(200, {
    'content-type': uploaded?.contentType ?? 'image/png',
    'content-length': String(png.length),
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
  });
  res.end(headOnly ? undefined : png);
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
