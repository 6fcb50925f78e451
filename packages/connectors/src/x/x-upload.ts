import type { TwitterApi } from 'twitter-api-v2';
import { XApiError } from './x-client.ts';

/**
 * The two media calls that carry files rather than JSON: uploading an agent's picture (OpenAPI tag Media)
 * and reading a DM's picture, which X serves only to the conversation's participants (ton.twitter.com).
 */
export interface XMediaClient {
  /**
   * Uploads a picture for a post (`tweet_*`) or a DM (`dm_*`). Small pictures go in one request
   * (`POST /2/media/upload`, base64 JSON); GIFs (no one-shot category exists for them) and larger files go
   * through initialize → append (multipart segments) → finalize.
   */
  uploadMedia(data: Buffer, options: { mediaType: XUploadType; use: 'tweet' | 'dm' }): Promise<XUploadedMedia>;
  /** An authenticated GET of a DM media address; refuses any host but X's own (and the sandbox). */
  downloadPrivateMedia(url: string): Promise<{ data: Buffer; contentType: string }>;
}

export type XUploadType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

export interface XUploadedMedia {
  mediaId: string;
  mediaKey: string | undefined;
  /** When X forgets the upload (24 hours on X): a post after that needs a new upload. */
  expiresAt: Date | undefined;
}

/** Above this, even a still picture goes in segments: a JSON body with the base64 file stays small. */
export const ONE_SHOT_MAX_BYTES = 512 * 1024;
export const SEGMENT_BYTES = 512 * 1024;

/** Where DM media live on X; anything else must never receive the account's credentials. */
const PRIVATE_MEDIA_ORIGINS = ['https://ton.twitter.com', 'https://api.x.com', 'https://api.twitter.com'];

interface Processing {
  state?: string;
  check_after_secs?: number;
}
const MAX_STATUS_READS = 10;

interface UploadAnswer {
  data?: { id?: string; media_key?: string; expires_after_secs?: number };
}

function uploaded(answer: UploadAnswer, fallbackId?: string): XUploadedMedia {
  const id = answer.data?.id ?? fallbackId;
  if (!id || !/^[0-9]{1,19}$/.test(id)) {
    throw new XApiError('X answered the media upload without a media id', { status: 502, body: answer });
  }
  const seconds = answer.data?.expires_after_secs;
  return {
    mediaId: id,
    mediaKey: answer.data?.media_key,
    expiresAt: typeof seconds === 'number' ? new Date(Date.now() + seconds * 1000) : undefined,
  };
}

export function createXMediaClient(api: TwitterApi, apiBaseUrl: string | undefined): XMediaClient {
  const v2 = api.v2;
  const sandboxOrigin = apiBaseUrl ? new URL(apiBaseUrl).origin : undefined;

  async function uploadMedia(
    data: Buffer,
    options: { mediaType: XUploadType; use: 'tweet' | 'dm' },
  ): Promise<XUploadedMedia> {
    const gif = options.mediaType === 'image/gif';
    const category = `${options.use}_${gif ? 'gif' : 'image'}` as const;
    if (!gif && data.length <= ONE_SHOT_MAX_BYTES) {
      const answer = await v2.post<UploadAnswer>('media/upload', {
        media: data.toString('base64'),
        media_category: category,
        media_type: options.mediaType,
      });
      return uploaded(answer);
    }
    const init = await v2.post<UploadAnswer>('media/upload/initialize', {
      media_type: options.mediaType,
      total_bytes: data.length,
      media_category: category,
    });
    const id = uploaded(init).mediaId;
    for (let index = 0; index * SEGMENT_BYTES < data.length; index++) {
      const segment = data.subarray(index * SEGMENT_BYTES, (index + 1) * SEGMENT_BYTES);
      await v2.post(
        `media/upload/${id}/append`,
        { segment_index: index, media: Buffer.from(segment) },
        { forceBodyMode: 'form-data' },
      );
    }
    const done = await v2.post<UploadAnswer & { data?: { processing_info?: Processing } }>(
      `media/upload/${id}/finalize`,
    );
    await processed(id, done.data?.processing_info);
    return uploaded(done, id);
  }

  /** A GIF may still be processing on X: read STATUS after `check_after_secs` until it is ready. */
  async function processed(id: string, first: Processing | undefined): Promise<void> {
    let info = first;
    for (let round = 0; info && round < MAX_STATUS_READS; round++) {
      if (info.state === 'succeeded') return;
      if (info.state === 'failed') throw new XApiError('X could not process the image', { status: 400, body: info });
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(10, Math.max(1, info!.check_after_secs ?? 1)) * 1000),
      );
      const status = await v2.get<{ data?: { processing_info?: Processing } }>('media/upload', {
        command: 'STATUS',
        media_id: id,
      });
      info = status.data?.processing_info;
    }
    if (info && info.state !== 'succeeded') {
      throw new XApiError('X is still processing the image', { status: 503, body: info });
    }
  }

  async function downloadPrivateMedia(url: string): Promise<{ data: Buffer; contentType: string }> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new XApiError('Not a media address', { status: 400 });
    }
    if (!PRIVATE_MEDIA_ORIGINS.includes(origin) && origin !== sandboxOrigin) {
      throw new XApiError(`Refusing to send the account's credentials to ${origin}`, { status: 400 });
    }
    const answer = await api.get<Buffer>(url, undefined, {
      prefix: '',
      fullResponse: true,
      forceParseMode: 'buffer',
    } as never);
    const response = answer as unknown as { data: Buffer; headers: Record<string, string | string[] | undefined> };
    const type = response.headers['content-type'];
    return { data: response.data, contentType: String(Array.isArray(type) ? type[0] : (type ?? '')) };
  }

  return { uploadMedia, downloadPrivateMedia };
}
