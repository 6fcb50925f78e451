import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  OUTGOING_IMAGE_TYPES,
  OUTGOING_MEDIA_LIMITS,
  outgoingMediaMaxBytes,
  type MessageMedia,
  type OutgoingImageType,
  type OutgoingMedia,
  type OutgoingMediaUpload,
} from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { bareType, mediaFolder, readIfPresent, sniffMediaType, writePrivateFile } from './media-files.ts';

/**
 * Pictures agents attach to replies (issue 12). The composer uploads the file first (kept in the data
 * folder, a row in `outgoing_media`); the reply then names it, and the same transaction that stores the
 * reply binds the picture to it, after X's limits are checked: nothing is sent that X would refuse.
 */

export interface OutgoingMediaDeps {
  db: Db;
  clock: Clock;
  dataDir: string;
}

const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(code, 'unprocessable', message, details);

export function toOutgoingMedia(row: Pick<Row<'outgoing_media'>, 'id' | 'content_type' | 'size_bytes'>): OutgoingMedia {
  return {
    id: row.id,
    contentType: row.content_type as OutgoingImageType,
    sizeBytes: row.size_bytes,
    url: `/api/media/uploads/${row.id}`,
  };
}

/** Checks the file (declared type, real type, size) and keeps it, private to the desk, until it is sent. */
export async function storeOutgoingMedia(
  deps: OutgoingMediaDeps,
  session: AuthenticatedSession,
  upload: OutgoingMediaUpload,
): Promise<OutgoingMedia> {
  const declared = bareType(upload.contentType) === 'image/pjpeg' ? 'image/jpeg' : bareType(upload.contentType);
  if (!(OUTGOING_IMAGE_TYPES as readonly string[]).includes(declared)) {
    throw unprocessable('media.unsupported_type', 'X accepts JPEG, PNG, WebP and GIF pictures only.', {
      contentType: upload.contentType,
      allowed: OUTGOING_IMAGE_TYPES,
    });
  }
  const type = declared as OutgoingImageType;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(upload.data)) {
    throw new AppError('media.not_base64', 'invalid', 'The file must be sent base64-encoded.');
  }
  const data = Buffer.from(upload.data, 'base64');
  if (data.length === 0) throw unprocessable('media.empty', 'The file is empty.');
  const limit = outgoingMediaMaxBytes(type);
  if (data.length > limit) {
    throw unprocessable(
      'media.too_large',
      `X accepts ${type === 'image/gif' ? 'GIFs' : 'pictures'} up to ${limit / 1024 / 1024} MB.`,
      { sizeBytes: data.length, limitBytes: limit },
    );
  }
  const actual = sniffMediaType(data);
  if (actual !== type) {
    throw unprocessable('media.type_mismatch', `The file is not a ${type} picture.`, {
      declared: type,
      actual: actual ?? null,
    });
  }
  const now = deps.clock.now().getTime();
  const id = newId(now);
  const fileName = `${id}.${type.split('/')[1]}`;
  writePrivateFile(path.join(mediaFolder(deps.dataDir, 'outgoing-media'), fileName), data);
  const row = {
    id,
    workspace_id: session.workspaceId,
    uploaded_by: session.agentId,
    message_id: null,
    position: 0,
    content_type: type,
    size_bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    file_name: fileName,
    external_media_id: null,
    external_media_key: null,
    external_expires_at: null,
    created_at: now,
  };
  await deps.db.insertInto('outgoing_media').values(row).execute();
  return toOutgoingMedia(row);
}

/** A picture of this workspace and its file, for the agents who see it (the composer, the thread). */
export async function readOutgoingMedia(
  deps: OutgoingMediaDeps,
  workspaceId: string,
  where: { id: string } | { messageId: string; position: number },
): Promise<{ row: Row<'outgoing_media'>; data: Buffer }> {
  let query = deps.db.selectFrom('outgoing_media').selectAll().where('workspace_id', '=', workspaceId);
  query =
    'id' in where
      ? query.where('id', '=', where.id)
      : query.where('message_id', '=', where.messageId).where('position', '=', where.position);
  const row = await query.executeTakeFirst();
  const data = row ? readIfPresent(path.join(mediaFolder(deps.dataDir, 'outgoing-media'), row.file_name)) : undefined;
  if (!row || !data) throw new AppError('media.not_found', 'not_found', 'This picture does not exist.');
  return { row, data };
}

/** A picture still in the composer can be taken back; once a reply carries it, it stays with the reply. */
export async function discardOutgoingMedia(deps: OutgoingMediaDeps, session: AuthenticatedSession, id: string) {
  const removed = await deps.db
    .deleteFrom('outgoing_media')
    .where('id', '=', id)
    .where('workspace_id', '=', session.workspaceId)
    .where('uploaded_by', '=', session.agentId)
    .where('message_id', 'is', null)
    .returning('file_name')
    .executeTakeFirst();
  if (!removed) throw new AppError('media.not_found', 'not_found', 'This picture is not in your composer.');
  fs.rmSync(path.join(mediaFolder(deps.dataDir, 'outgoing-media'), removed.file_name), { force: true });
}

/** How a reply's pictures show in its thread: served by the desk (they are not on X's CDN yet). */
function threadMedia(type: OutgoingImageType): MessageMedia {
  return {
    type: type === 'image/gif' ? 'animated_gif' : 'photo',
    mediaKey: null,
    url: null,
    previewUrl: null,
    videoUrl: null,
    width: null,
    height: null,
    altText: null,
    durationMs: null,
    textUrl: null,
    private: true,
  };
}

/**
 * Binds the composer's pictures to the reply being stored, inside its transaction, after checking X's
 * limits: up to 4 pictures or one GIF on a public reply, one picture on a DM; each the agent's own upload,
 * not already carried by another reply (a double submission cannot send one picture twice).
 */
export async function attachOutgoingMedia(
  tx: Tx,
  input: { session: AuthenticatedSession; messageId: string; mediaIds: string[]; visibility: 'public' | 'direct' },
): Promise<void> {
  const { session, messageId, mediaIds, visibility } = input;
  if (mediaIds.length === 0) return;
  if (new Set(mediaIds).size !== mediaIds.length) {
    throw unprocessable('reply.media_repeated', 'The same picture is attached twice.');
  }
  const max = visibility === 'direct' ? OUTGOING_MEDIA_LIMITS.maxDirect : OUTGOING_MEDIA_LIMITS.maxPublic;
  if (mediaIds.length > max) {
    throw unprocessable(
      'reply.too_many_media',
      visibility === 'direct' ? 'A direct message on X carries one picture.' : 'A post on X carries up to 4 pictures.',
      { count: mediaIds.length, limit: max },
    );
  }
  const rows = await tx
    .selectFrom('outgoing_media')
    .select(['id', 'content_type', 'message_id', 'uploaded_by'])
    .where('id', 'in', mediaIds)
    .where('workspace_id', '=', session.workspaceId)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = mediaIds.filter((id) => byId.get(id)?.uploaded_by !== session.agentId);
  if (missing.length > 0) {
    throw unprocessable('reply.media_not_found', 'A picture of this reply is not in your composer any more.', {
      mediaIds: missing,
    });
  }
  if (rows.some((r) => r.message_id !== null)) {
    throw unprocessable('reply.media_in_use', 'A picture of this reply was already sent with another reply.');
  }
  const types = mediaIds.map((id) => byId.get(id)!.content_type as OutgoingImageType);
  if (types.includes('image/gif') && types.length > 1) {
    throw unprocessable('reply.gif_alone', 'On X a GIF goes alone, without other pictures.');
  }
  for (const [position, id] of mediaIds.entries()) {
    const bound = await tx
      .updateTable('outgoing_media')
      .set({ message_id: messageId, position })
      .where('id', '=', id)
      .where('message_id', 'is', null)
      .executeTakeFirst();
    if (Number(bound.numUpdatedRows) !== 1) {
      throw unprocessable('reply.media_in_use', 'A picture of this reply was already sent with another reply.');
    }
  }
  await tx
    .updateTable('messages')
    .set({ attachments: JSON.stringify({ media: types.map(threadMedia), links: [] }) })
    .where('id', '=', messageId)
    .execute();
}
