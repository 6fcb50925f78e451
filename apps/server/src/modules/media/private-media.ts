import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConnectorError } from '@guichet/connectors';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { ChannelConnectors } from '../channels/channel-connectors.ts';
import { findChannel } from '../channels/channels.repository.ts';
import { parseAttachments } from '../conversations/attachments.ts';
import {
  bareType,
  mediaFolder,
  readIfPresent,
  sniffMediaType,
  writePrivateFile,
  type SniffedType,
} from './media-files.ts';
import { DEFAULT_MEDIA_CACHE_BYTES, markUsed, trimMediaCache } from './media-cache.ts';
import { readOutgoingMedia } from './outgoing-media.commands.ts';

/**
 * A message's media for the agent's browser when the browser cannot load them itself (issue 12): a DM's
 * picture on X needs the account's credentials, so the desk reads it through the channel's connector and
 * caches it in the data folder; an agent's own picture on a reply comes from the desk's copy. Files from the
 * network are checked before anyone sees them: the allowed types only (the label and the bytes must agree),
 * and a size limit.
 */

export const PRIVATE_MEDIA_TYPES: readonly SniffedType[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'video/mp4',
];
/** X's own largest DM attachment is a video; pictures are far below this. */
export const MAX_PRIVATE_MEDIA_BYTES = 25 * 1024 * 1024;

const EXTENSION: Record<SniffedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
};

export interface PrivateMediaDeps {
  db: Db;
  clock: Clock;
  connectors: ChannelConnectors;
  config: { dataDir: string; mediaCacheBytes?: number };
}

export interface MediaFile {
  data: Buffer;
  contentType: string;
  /** Where it came from, for the response's logs and tests: the cache, the network, or the desk's own copy. */
  source: 'cache' | 'network' | 'outgoing';
}

const notFound = () => new AppError('media.not_found', 'not_found', 'This message has no such media.');

/** The cached file for this media address, whatever its type. */
function cached(folder: string, key: string, now: Date): MediaFile | undefined {
  for (const type of PRIVATE_MEDIA_TYPES) {
    const file = path.join(folder, `${key}.${EXTENSION[type]}`);
    const data = readIfPresent(file);
    if (!data) continue;
    markUsed(file, now);
    return { data, contentType: type, source: 'cache' };
  }
  return undefined;
}

/** What the network sent, refused unless it is an allowed type (label and bytes agreeing) within the limit. */
function checked(file: { data: Buffer; contentType: string }): SniffedType {
  if (file.data.length > MAX_PRIVATE_MEDIA_BYTES) {
    throw new AppError('media.too_large', 'unprocessable', 'This media file is larger than the desk shows.', {
      sizeBytes: file.data.length,
      limitBytes: MAX_PRIVATE_MEDIA_BYTES,
    });
  }
  const label = bareType(file.contentType);
  const actual = sniffMediaType(file.data);
  if (!actual || !(PRIVATE_MEDIA_TYPES as readonly string[]).includes(label) || actual !== label) {
    throw new AppError('media.unsupported_type', 'unprocessable', 'The network sent a file the desk does not show.', {
      contentType: label || null,
      allowed: PRIVATE_MEDIA_TYPES,
    });
  }
  return actual;
}

/**
 * Media `index` of a message of this workspace, for a signed-in agent. `variant: 'video'` reads the playable
 * file of a DM's GIF or video; the picture (or poster) otherwise.
 */
export async function messageMediaFile(
  deps: PrivateMediaDeps,
  workspaceId: string,
  request: { messageId: string; index: number; variant: 'picture' | 'video' },
): Promise<MediaFile> {
  const message = await deps.db
    .selectFrom('messages')
    .select(['id', 'direction', 'channel_id', 'attachments'])
    .where('id', '=', request.messageId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!message) throw notFound();
  if (message.direction === 'outbound') {
    const { row, data } = await readOutgoingMedia({ ...deps, dataDir: deps.config.dataDir }, workspaceId, {
      messageId: message.id,
      position: request.index,
    });
    return { data, contentType: row.content_type, source: 'outgoing' };
  }
  const media = parseAttachments(message.attachments).media[request.index];
  if (!media) throw notFound();
  if (!media.private) {
    throw new AppError('media.public', 'not_found', 'This media is public: it loads from X directly.');
  }
  const url = request.variant === 'video' ? media.videoUrl : media.type === 'photo' ? media.url : media.previewUrl;
  if (!url) throw notFound();
  const folder = mediaFolder(deps.config.dataDir, 'media-cache');
  const key = createHash('sha256').update(`${message.id}\n${request.index}\n${url}`).digest('hex');
  // The file system's clock, not the desk's: a hit must compare with the times the OS stamps on new files.
  const hit = cached(folder, key, new Date());
  if (hit) return hit;

  const channel = await findChannel(deps.db, message.channel_id);
  if (!channel) throw notFound();
  const connector = deps.connectors.get(channel);
  if (!connector.fetchPrivateMedia) {
    throw new AppError('media.not_supported', 'unprocessable', 'This channel cannot read private media.');
  }
  let file: { data: Buffer; contentType: string };
  try {
    file = await connector.fetchPrivateMedia(url);
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    const gone = error.status === 404 || error.status === 403;
    throw new AppError(
      gone ? 'media.gone' : 'media.fetch_failed',
      gone ? 'not_found' : 'unavailable',
      gone ? 'X no longer serves this media.' : `The media could not be read from X: ${error.message}`,
    );
  }
  const type = checked(file);
  const written = path.join(folder, `${key}.${EXTENSION[type]}`);
  writePrivateFile(written, file.data);
  trimMediaCache(folder, deps.config.mediaCacheBytes ?? DEFAULT_MEDIA_CACHE_BYTES, written);
  return { data: file.data, contentType: type, source: 'network' };
}
