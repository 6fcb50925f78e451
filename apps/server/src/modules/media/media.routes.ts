import { apiErrorSchema, outgoingMediaSchema, outgoingMediaUploadSchema } from '@guichet/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { discardOutgoingMedia, readOutgoingMedia, storeOutgoingMedia } from './outgoing-media.commands.ts';
import { messageMediaFile, type PrivateMediaDeps } from './private-media.ts';

const uploadParams = z.object({ mediaId: z.string().min(1).max(100) });
const messageMediaParams = z.object({
  messageId: z.string().min(1).max(100),
  index: z.coerce.number().int().min(0).max(99),
});
const messageMediaQuery = z.object({ variant: z.enum(['picture', 'video']).default('picture') });
const errors = { 400: apiErrorSchema, 404: apiErrorSchema, 422: apiErrorSchema, 503: apiErrorSchema };

/** A base64 JSON body of a 15 MB GIF, plus room for the JSON around it. */
const UPLOAD_BODY_LIMIT = 21 * 1024 * 1024;

/**
 * Media files as the desk serves them: files go to the signed-in agents of the workspace only, never cached
 * by shared caches, and never interpreted as anything but their checked type.
 */
function sendFile(reply: FastifyReply, file: { data: Buffer; contentType: string }) {
  return reply
    .header('content-type', file.contentType)
    .header('cache-control', 'private, max-age=86400')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', 'inline')
    .send(file.data);
}

/** Pictures agents attach to replies, and messages' media the browser cannot load from X itself (issue 12). */
export function registerMediaRoutes(app: HttpApp, deps: PrivateMediaDeps): void {
  const outgoing = { db: deps.db, clock: deps.clock, dataDir: deps.config.dataDir };

  app.post(
    '/api/media/uploads',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags: ['cases'],
        summary:
          'Upload a picture for a reply (JSON, base64): JPEG, PNG, WebP up to 5 MB, GIF up to 15 MB; type checked against the bytes',
        body: outgoingMediaUploadSchema,
        response: { 201: outgoingMediaSchema, ...errors },
      },
    },
    async (request, reply) => {
      const media = await storeOutgoingMedia(outgoing, requireAuth(request), request.body);
      return reply.status(201).send(media);
    },
  );

  app.get(
    '/api/media/uploads/:mediaId',
    {
      schema: {
        tags: ['cases'],
        summary: 'A picture uploaded for a reply (the composer shows it before sending)',
        params: uploadParams,
        response: { 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      const { row, data } = await readOutgoingMedia(outgoing, session.workspaceId, { id: request.params.mediaId });
      return sendFile(reply, { data, contentType: row.content_type });
    },
  );

  app.delete(
    '/api/media/uploads/:mediaId',
    {
      schema: {
        tags: ['cases'],
        summary: 'Take a picture back out of the composer (not once a reply carries it)',
        params: uploadParams,
        response: { 204: z.null(), 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      await discardOutgoingMedia(outgoing, requireAuth(request), request.params.mediaId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/messages/:messageId/media/:index',
    {
      schema: {
        tags: ['cases'],
        summary:
          "A message's media that needs the account's credentials (a DM's picture on X), read through the channel and cached; or a reply's own picture",
        params: messageMediaParams,
        querystring: messageMediaQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      const file = await messageMediaFile(deps, session.workspaceId, { ...request.params, ...request.query });
      return sendFile(reply.header('x-media-source', file.source), file);
    },
  );
}
