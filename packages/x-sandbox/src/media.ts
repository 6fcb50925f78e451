import { createHash } from 'node:crypto';
import { invalidBody } from './errors.ts';
import { IMAGE_HEIGHT, IMAGE_WIDTH, isSandboxImage, SANDBOX_IMAGES, type SandboxImage } from './media-images.ts';

/**
 * Photos, GIFs and videos on sandbox posts and DMs, shaped as X describes them (contract §1.1 `attachments`,
 * OpenAPI schemas Photo, AnimatedGif, Video): a media key per item (`3_` photo, `16_` GIF, `7_` video and a
 * snowflake), the picture served by the sandbox itself at /media/<key>.png — X's pbs.twimg.com — and, for a
 * DM, at /1.1/ton/data/dm/… behind the participants' credentials, as ton.twitter.com is. The sandbox has no
 * video files: GIFs and videos have their poster (preview_image_url) and no `variants`.
 */

export type SandboxMediaType = 'photo' | 'animated_gif' | 'video';

export interface SandboxMedia {
  mediaKey: string;
  type: SandboxMediaType;
  image: SandboxImage;
  width: number;
  height: number;
  altText?: string | undefined;
  durationMs?: number | undefined;
  /** Uploaded through the API (media-upload.ts): the file is served as sent, with its own type. */
  uploaded?: { contentType: string } | undefined;
}

/** What a person attaches (admin API, simulated customers): the kind of media and which picture. */
export interface MediaInput {
  type?: SandboxMediaType | undefined;
  image?: SandboxImage | undefined;
  altText?: string | undefined;
}

const PREFIX: Record<SandboxMediaType, string> = { photo: '3', video: '7', animated_gif: '16' };
const TYPES = Object.keys(PREFIX) as SandboxMediaType[];
/** X's alt text limit. */
export const MAX_ALT_TEXT = 1000;

/** Reads the `media` list of an admin request; refuses anything X would not accept. */
export function parseMediaInput(raw: unknown): MediaInput[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidBody('media must be an array of {type, image, altText}');
  return raw.map((item: unknown, i) => {
    const m = (item ?? {}) as Record<string, unknown>;
    if (m.type !== undefined && !TYPES.includes(m.type as SandboxMediaType)) {
      throw invalidBody(`media[${i}].type must be one of ${TYPES.join(', ')}`);
    }
    if (m.image !== undefined && !isSandboxImage(m.image)) {
      throw invalidBody(`media[${i}].image must be one of ${SANDBOX_IMAGES.join(', ')}`);
    }
    if (m.altText !== undefined && (typeof m.altText !== 'string' || [...m.altText].length > MAX_ALT_TEXT)) {
      throw invalidBody(`media[${i}].altText must be a string of at most ${MAX_ALT_TEXT} characters`);
    }
    return {
      type: m.type as SandboxMediaType | undefined,
      image: m.image as SandboxImage | undefined,
      altText: m.altText as string | undefined,
    };
  });
}

/**
 * Media as X stores them with a post: up to four photos, or one GIF, or one video (never mixed). `mint`
 * gives a fresh snowflake per item.
 */
export function mintMedia(inputs: MediaInput[] | undefined, mint: () => string, max = 4): SandboxMedia[] {
  const list = inputs ?? [];
  if (list.length === 0) return [];
  const types = list.map((m) => m.type ?? 'photo');
  if (list.length > max) throw invalidBody(`At most ${max} media may be attached.`);
  if (types.some((t) => t !== 'photo') && list.length > 1) {
    throw invalidBody('A GIF or a video is attached alone, without other media.');
  }
  return list.map((m, i) => {
    const type = types[i]!;
    return {
      mediaKey: `${PREFIX[type]}_${mint()}`,
      type,
      image: m.image ?? SANDBOX_IMAGES[i % SANDBOX_IMAGES.length]!,
      width: IMAGE_WIDTH,
      height: IMAGE_HEIGHT,
      ...(m.altText ? { altText: m.altText } : {}),
      ...(type === 'video' ? { durationMs: 12_480 } : {}),
    };
  });
}

/**
 * The short link X appends to a post's text for its media (one for all of a post's media). Derived from the
 * first media key, so a seeded scenario writes the same texts on every run.
 */
export function mediaShortLink(media: SandboxMedia): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = createHash('sha256').update(media.mediaKey).digest().subarray(0, 10);
  return `https://t.co/${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Public picture of a post's media (pbs.twimg.com on X). */
export function mediaPath(media: SandboxMedia): string {
  return `/media/${media.mediaKey}.png`;
}

/** A DM's picture, readable only with a participant's credentials (ton.twitter.com on X). */
export function dmMediaPath(eventId: string, media: SandboxMedia): string {
  return `/1.1/ton/data/dm/${eventId}/${media.mediaKey.split('_')[1]}/${media.image}.png`;
}

/** Where the media's own page is on X (what the media link in the text expands to). */
export function mediaPageUrl(username: string, tweetId: string, media: SandboxMedia): string {
  return `https://x.com/${username}/status/${tweetId}/${media.type === 'photo' ? 'photo' : 'video'}/1`;
}
