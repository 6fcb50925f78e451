import { invalidBody, invalidParam, SandboxError } from './errors.ts';
import { ID_PATTERN } from './ids.ts';
import { IMAGE_HEIGHT, IMAGE_WIDTH } from './media-images.ts';
import type { SandboxMedia } from './media.ts';

/**
 * X's media upload (OpenAPI: mediaUpload, initializeMediaUpload, appendMediaUpload, finalizeMediaUpload,
 * getMediaUploadStatus): a file becomes a media id that `POST /2/tweets` (`media.media_ids`) or a DM
 * (`attachments[].media_id`) then carries. One-shot for images, or initialize → append segments → finalize
 * for anything (GIFs must go that way: the one-shot categories are tweet_image, dm_image, subtitles). Only
 * pictures are modelled (the sandbox plays no video): JPEG, PNG, WebP, GIF, checked against their bytes.
 * Uploads live in memory for their 24 hours, like X's; the files are served back on the post's media URL.
 */

export type UploadCategory = 'tweet_image' | 'tweet_gif' | 'dm_image' | 'dm_gif';
const CATEGORIES: readonly string[] = ['tweet_image', 'tweet_gif', 'dm_image', 'dm_gif'];
const SPEC_CATEGORIES = ['amplify_video', 'tweet_video', 'dm_video', 'subtitles'];
/** X's documented limits: images 5 MB, animated GIFs 15 MB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_GIF_BYTES = 15 * 1024 * 1024;
const EXPIRES_AFTER_SECS = 86_400;
const MAX_SEGMENTS = 1000;

type ImageType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** The picture's real type from its first bytes; X refuses a file that is not what it claims. */
export function sniffImageType(data: Buffer): ImageType | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (/^GIF8[79]a/.test(data.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

/** Width and height where the header says them plainly (PNG, GIF); X's own numbers otherwise. */
function dimensions(data: Buffer, type: ImageType): { width: number; height: number } {
  if (type === 'image/png' && data.length >= 24) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (type === 'image/gif' && data.length >= 10) return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  return { width: IMAGE_WIDTH, height: IMAGE_HEIGHT };
}

interface Upload {
  id: string;
  ownerId: string;
  category: UploadCategory;
  declaredType: string | undefined;
  totalBytes: number | undefined;
  segments: Map<number, Buffer>;
  data?: Buffer | undefined;
  type?: ImageType | undefined;
  expiresAt: number;
}

const mediaError = (detail: string) =>
  new SandboxError(400, { title: 'Invalid Request', detail, type: 'about:blank', status: 400 });

function category(raw: unknown, oneShot: boolean): UploadCategory {
  if (raw === undefined && !oneShot) return 'tweet_image';
  if (typeof raw !== 'string') throw invalidBody('$.media_category: is missing but it is required');
  if (SPEC_CATEGORIES.includes(raw)) throw invalidBody(`$.media_category: ${raw} is not supported by the X sandbox.`);
  if (!CATEGORIES.includes(raw) || (oneShot && raw.endsWith('_gif'))) {
    throw invalidBody(`$.media_category: does not have a value in the enumeration`);
  }
  return raw as UploadCategory;
}

/** `media` as a file part (multipart) or base64 text (JSON, format byte). */
function payload(raw: unknown): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (typeof raw === 'string' && /^[A-Za-z0-9+/\r\n]*={0,2}$/.test(raw)) return Buffer.from(raw, 'base64');
  throw invalidBody('$.media: is missing but it is required');
}

export class MediaUploads {
  private uploads = new Map<string, Upload>();

  constructor(
    private readonly clock: () => Date,
    private readonly mint: () => string,
  ) {}

  private expires(): number {
    return this.clock().getTime() + EXPIRES_AFTER_SECS * 1000;
  }

  private find(ownerId: string, id: string, param = 'id'): Upload {
    if (!ID_PATTERN.test(id))
      throw invalidParam(param, id, `The \`${param}\` value [${id}] does not match ^[0-9]{1,19}$`);
    const upload = this.uploads.get(id);
    if (!upload || upload.ownerId !== ownerId || upload.expiresAt <= this.clock().getTime()) {
      throw mediaError(`Media id ${id} is unknown or has expired.`);
    }
    return upload;
  }

  /** Checks the whole file against its category and type, then keeps it: the media id is usable. */
  private complete(upload: Upload, data: Buffer): void {
    const type = sniffImageType(data);
    if (!type) throw mediaError('The file is not a supported image (JPEG, PNG, WebP or GIF).');
    if (
      upload.declaredType &&
      upload.declaredType !== type &&
      !(upload.declaredType === 'image/pjpeg' && type === 'image/jpeg')
    ) {
      throw mediaError(`The file is ${type}, not ${upload.declaredType}.`);
    }
    const gif = upload.category.endsWith('_gif');
    if (gif !== (type === 'image/gif')) {
      throw mediaError(`A ${type} file cannot be uploaded as ${upload.category}.`);
    }
    const limit = gif ? MAX_GIF_BYTES : MAX_IMAGE_BYTES;
    if (data.length > limit) throw mediaError(`File size exceeds ${limit} bytes.`);
    upload.data = data;
    upload.type = type;
    upload.segments.clear();
  }

  private answer(upload: Upload) {
    return {
      data: {
        id: upload.id,
        media_key: `${upload.category.endsWith('_gif') ? '16' : '3'}_${upload.id}`,
        expires_after_secs: Math.max(0, Math.round((upload.expiresAt - this.clock().getTime()) / 1000)),
        ...(upload.data ? { size: upload.data.length } : {}),
        // No processing_info: the sandbox has nothing to transcode, so every file is ready once finalized
        // (X sends it only while a GIF or video is still being processed).
      },
      // The spec's MediaUploadResponse requires `meta` (it defines no members for it).
      meta: {},
    };
  }

  oneShot(ownerId: string, body: Record<string, unknown>) {
    const upload: Upload = {
      id: this.mint(),
      ownerId,
      category: category(body.media_category, true),
      declaredType: typeof body.media_type === 'string' ? body.media_type : undefined,
      totalBytes: undefined,
      segments: new Map(),
      expiresAt: this.expires(),
    };
    this.complete(upload, payload(body.media));
    this.uploads.set(upload.id, upload);
    return this.answer(upload);
  }

  initialize(ownerId: string, body: Record<string, unknown>) {
    const total = body.total_bytes;
    if (total !== undefined && (typeof total !== 'number' || !Number.isInteger(total) || total < 0)) {
      throw invalidBody('$.total_bytes: must be a non-negative integer');
    }
    const cat = category(body.media_category, false);
    const limit = cat.endsWith('_gif') ? MAX_GIF_BYTES : MAX_IMAGE_BYTES;
    if (typeof total === 'number' && total > limit) throw mediaError(`File size exceeds ${limit} bytes.`);
    const upload: Upload = {
      id: this.mint(),
      ownerId,
      category: cat,
      declaredType: typeof body.media_type === 'string' ? body.media_type : undefined,
      totalBytes: total as number | undefined,
      segments: new Map(),
      expiresAt: this.expires(),
    };
    this.uploads.set(upload.id, upload);
    return this.answer(upload);
  }

  append(ownerId: string, id: string, body: Record<string, unknown>) {
    const upload = this.find(ownerId, id);
    if (upload.data) throw mediaError(`Media id ${id} is already finalized.`);
    const index = Number(body.segment_index);
    if (!Number.isInteger(index) || index < 0 || index >= MAX_SEGMENTS || String(body.segment_index).trim() === '') {
      throw invalidBody('$.segment_index: must be an integer between 0 and 999');
    }
    upload.segments.set(index, payload(body.media));
    return { data: { expires_at: Math.floor(upload.expiresAt / 1000) }, meta: {} };
  }

  finalize(ownerId: string, id: string) {
    const upload = this.find(ownerId, id);
    if (upload.data) return this.answer(upload);
    const indexes = [...upload.segments.keys()].sort((a, b) => a - b);
    if (indexes.length === 0 || indexes.some((n, i) => n !== i)) {
      throw mediaError('Segments are missing: append segments 0 to n before finalizing.');
    }
    const data = Buffer.concat(indexes.map((i) => upload.segments.get(i)!));
    if (upload.totalBytes !== undefined && data.length !== upload.totalBytes) {
      throw mediaError(`File size mismatch: ${data.length} bytes received, ${upload.totalBytes} announced.`);
    }
    this.complete(upload, data);
    return this.answer(upload);
  }

  status(ownerId: string, id: string) {
    return this.answer(this.find(ownerId, id, 'media_id'));
  }

  /**
   * The media a post or DM carries, from ids its author uploaded: finalized, not expired, of the right use
   * (dm_* for DMs, tweet_* for posts). Up to four pictures, or one GIF, per post; one per DM.
   */
  attach(ownerId: string, ids: string[], use: 'tweet' | 'dm'): SandboxMedia[] {
    const uploads = ids.map((id) => {
      const upload = ID_PATTERN.test(id) ? this.uploads.get(id) : undefined;
      if (!upload?.data || upload.ownerId !== ownerId || upload.expiresAt <= this.clock().getTime()) {
        throw mediaError('Your media IDs are invalid.');
      }
      if (!upload.category.startsWith(`${use}_`)) throw mediaError(`Media id ${id} was not uploaded for a ${use}.`);
      return upload;
    });
    const gif = uploads.some((u) => u.type === 'image/gif');
    if (uploads.length > (use === 'dm' ? 1 : 4) || (gif && uploads.length > 1)) {
      throw mediaError('Too many media: up to 4 images or 1 GIF per post, 1 per Direct Message.');
    }
    return uploads.map((u) => ({
      mediaKey: `${gif ? '16' : '3'}_${u.id}`,
      type: gif ? 'animated_gif' : 'photo',
      // The drawn picture stands in if the upload is gone (sandbox restarted); the file is served while kept.
      image: 'parcel',
      ...dimensions(u.data!, u.type!),
      uploaded: { contentType: u.type! },
    }));
  }

  /** The uploaded file behind a media key, while the sandbox keeps it. */
  file(mediaKey: string): { contentType: string; data: Buffer } | undefined {
    const upload = this.uploads.get(mediaKey.split('_')[1] ?? '');
    return upload?.data && upload.type ? { contentType: upload.type, data: upload.data } : undefined;
  }
}
