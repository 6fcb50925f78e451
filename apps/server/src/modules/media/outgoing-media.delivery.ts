import path from 'node:path';
import { ConnectorError, type Connector, type OutgoingImageType } from '@guichet/connectors';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { mediaFolder, readIfPresent } from './media-files.ts';

/**
 * The delivery side of agents' pictures. The rule that keeps "never post twice" with media: a picture is
 * uploaded to X at most once per message and its media id is committed before the post that names it is
 * sent, so every retry (after a crash, a timeout, a 5xx) sends the same ids, and reconciliation recognises
 * the post by them. A crash between X's upload and our commit leaves an unused upload on X (it expires
 * there unseen), never a second post.
 */

/** Media ids are good for 24 hours on X: one about to expire is uploaded again rather than refused. */
const EXPIRY_MARGIN_MS = 10 * 60_000;

export interface RecordedMedia {
  /** Ids already uploaded, in order. */
  ids: string[];
  /** False while some picture of the message has no media id yet: such a message cannot be on X. */
  complete: boolean;
  count: number;
}

function rowsOf(db: Db, messageId: string) {
  return db.selectFrom('outgoing_media').selectAll().where('message_id', '=', messageId).orderBy('position').execute();
}

export async function recordedMedia(db: Db, messageId: string): Promise<RecordedMedia> {
  const rows = await rowsOf(db, messageId);
  const ids = rows.flatMap((r) => (r.external_media_id ? [r.external_media_id] : []));
  return { ids, complete: ids.length === rows.length, count: rows.length };
}

/**
 * The media ids to send the message with: those already uploaded (and still fresh) as they are, the others
 * uploaded now, each committed as soon as X gives it.
 */
export async function uploadMessageMedia(
  deps: { db: Db; clock: Clock; dataDir: string },
  connector: Connector,
  message: { id: string; visibility: 'public' | 'direct' },
): Promise<string[]> {
  const rows = await rowsOf(deps.db, message.id);
  if (rows.length === 0) return [];
  const upload = connector.uploadMedia;
  if (!upload) {
    throw new ConnectorError('rejected', 'This channel cannot send pictures.', { reason: 'channel.no_media_upload' });
  }
  const ids: string[] = [];
  for (const row of rows) {
    const fresh =
      row.external_expires_at === null || row.external_expires_at > deps.clock.now().getTime() + EXPIRY_MARGIN_MS;
    if (row.external_media_id && fresh) {
      ids.push(row.external_media_id);
      continue;
    }
    const data = readIfPresent(path.join(mediaFolder(deps.dataDir, 'outgoing-media'), row.file_name));
    if (!data) {
      throw new ConnectorError('rejected', 'A picture of this reply is missing from the data folder.', {
        reason: 'media.file_missing',
      });
    }
    const uploaded = await upload.call(connector, {
      data,
      contentType: row.content_type as OutgoingImageType,
      visibility: message.visibility,
    });
    await deps.db
      .updateTable('outgoing_media')
      .set({
        external_media_id: uploaded.mediaId,
        external_media_key: uploaded.mediaKey ?? null,
        external_expires_at: uploaded.expiresAt?.getTime() ?? null,
      })
      .where('id', '=', row.id)
      .execute();
    ids.push(uploaded.mediaId);
  }
  return ids;
}

/** X no longer knows these ids (expired, or X lost them): the next attempt uploads the files again. */
export async function forgetUploadedMedia(db: Db, messageId: string): Promise<void> {
  await db
    .updateTable('outgoing_media')
    .set({ external_media_id: null, external_media_key: null, external_expires_at: null })
    .where('message_id', '=', messageId)
    .execute();
}
