import type { InboundLink, InboundMedia, InboundMediaType } from '../connector.ts';

/**
 * X's media and links in both shapes the desk receives: v2 (`includes.media` joined by `media_key`,
 * `entities.urls`) and v1.1 (Account Activity deliveries: `extended_entities.media`, `entities.urls`, a DM's
 * `message_data.attachment.media`). Everything here is customer-controlled data: only http(s) addresses
 * are kept, and numbers only when they are numbers.
 */

/** A v2 Media object (schemas Photo, AnimatedGif, Video of the OpenAPI spec). */
export interface XMedia {
  media_key?: string;
  type: string;
  url?: string;
  preview_image_url?: string;
  width?: number;
  height?: number;
  alt_text?: string;
  duration_ms?: number;
  variants?: { bit_rate?: number; content_type?: string; url?: string }[];
}

/** A v2 UrlEntity (`entities.urls[]`; DM events carry the same shape). */
export interface XUrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url?: string;
  display_url?: string;
  title?: string;
  description?: string;
  unwound_url?: string;
  /** Set on the link X appends to a post's text for its attached media: not a link the author wrote. */
  media_key?: string;
  status?: number;
}

/** A v1.1 media entity (`extended_entities.media[]`, a DM's `attachment.media`). */
export interface V1Media {
  id_str?: string;
  media_key?: string;
  type?: string;
  media_url_https?: string;
  media_url?: string;
  /** The media's short link in the text (t.co). */
  url?: string;
  ext_alt_text?: string | null;
  original_info?: { width?: number; height?: number };
  sizes?: { large?: { w?: number; h?: number } };
  video_info?: { duration_millis?: number; variants?: { bitrate?: number; content_type?: string; url?: string }[] };
}

/** A v1.1 url entity (`entities.urls[]`); `unwound` comes with enriched deliveries. */
export interface V1Url {
  url?: string;
  expanded_url?: string | null;
  display_url?: string;
  unwound?: { url?: string; title?: string; description?: string } | null;
}

const MEDIA_TYPES: readonly InboundMediaType[] = ['photo', 'animated_gif', 'video'];
/** v1.1 media ids become v2 media keys with the type's prefix (3_ photo, 7_ video, 16_ animated GIF). */
const KEY_PREFIX: Record<InboundMediaType, string> = { photo: '3', video: '7', animated_gif: '16' };
/** X's own link to a post's photo or video page: what the media link in a post's text expands to. */
const MEDIA_PAGE = /^https?:\/\/(?:x|twitter)\.com\/[^/]+\/status\/\d+\/(?:photo|video)\/\d+$/;

/** The address when it is an http(s) URL, else undefined: no javascript:, data: or relative links pass. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

function mediaType(value: unknown): InboundMediaType | undefined {
  return MEDIA_TYPES.find((t) => t === value);
}

/** The playable file of highest bitrate, mp4 only (X also lists an HLS playlist a browser cannot open). */
function bestMp4(variants: { rate: unknown; contentType: unknown; url: unknown }[]): string | undefined {
  let best: { rate: number; url: string } | undefined;
  for (const v of variants) {
    const url = httpUrl(v.url);
    if (!url || v.contentType !== 'video/mp4') continue;
    const rate = count(v.rate) ?? 0;
    if (!best || rate > best.rate) best = { rate, url };
  }
  return best?.url;
}

/** Drops undefined fields so the stored JSON stays small and equal items compare equal. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function mapXMedia(
  media: XMedia,
  options: { private: boolean; textUrl?: string | undefined },
): InboundMedia | null {
  const type = mediaType(media.type);
  if (!type) return null;
  return compact({
    type,
    mediaKey: text(media.media_key),
    url: httpUrl(media.url),
    previewUrl: httpUrl(media.preview_image_url),
    videoUrl:
      type === 'photo'
        ? undefined
        : bestMp4((media.variants ?? []).map((v) => ({ rate: v.bit_rate, contentType: v.content_type, url: v.url }))),
    width: count(media.width),
    height: count(media.height),
    altText: text(media.alt_text),
    durationMs: count(media.duration_ms),
    textUrl: httpUrl(options.textUrl),
    private: options.private || undefined,
  });
}

/**
 * The media a post or DM names in `attachments.media_keys`, from the page's `includes.media`, in order;
 * `urls` (the text's url entities) tell which short link in the text stands for them.
 */
export function mediaByKeys(
  keys: string[] | undefined,
  included: XMedia[] | undefined,
  options: { private: boolean; urls?: XUrlEntity[] | undefined },
): InboundMedia[] {
  const out: InboundMedia[] = [];
  for (const key of keys ?? []) {
    const found = (included ?? []).find((m) => m.media_key === key);
    const textUrl = options.urls?.find((u) => u.media_key === key)?.url;
    const mapped = found ? mapXMedia(found, { private: options.private, textUrl }) : null;
    if (mapped) out.push(mapped);
  }
  return out;
}

/** The links the author wrote; the link X appends for attached media is left out (it is the media). */
export function mapXLinks(urls: XUrlEntity[] | undefined): InboundLink[] {
  const out: InboundLink[] = [];
  for (const u of urls ?? []) {
    const url = httpUrl(u.url);
    const expandedUrl = httpUrl(u.expanded_url);
    if (!url || u.media_key !== undefined || (expandedUrl && MEDIA_PAGE.test(expandedUrl))) continue;
    out.push(
      compact({
        url,
        expandedUrl,
        displayUrl: text(u.display_url),
        title: text(u.title),
        description: text(u.description),
        unwoundUrl: httpUrl(u.unwound_url),
      }),
    );
  }
  return out;
}

export function mapV1Media(media: V1Media, options: { private: boolean }): InboundMedia | null {
  const type = mediaType(media.type);
  if (!type) return null;
  const image = httpUrl(media.media_url_https) ?? httpUrl(media.media_url);
  const id = typeof media.id_str === 'string' && /^\d{1,20}$/.test(media.id_str) ? media.id_str : undefined;
  const variants = media.video_info?.variants ?? [];
  return compact({
    type,
    mediaKey: text(media.media_key) ?? (id ? `${KEY_PREFIX[type]}_${id}` : undefined),
    url: type === 'photo' ? image : undefined,
    previewUrl: type === 'photo' ? undefined : image,
    videoUrl:
      type === 'photo'
        ? undefined
        : bestMp4(variants.map((v) => ({ rate: v.bitrate, contentType: v.content_type, url: v.url }))),
    width: count(media.original_info?.width) ?? count(media.sizes?.large?.w),
    height: count(media.original_info?.height) ?? count(media.sizes?.large?.h),
    altText: text(media.ext_alt_text),
    durationMs: count(media.video_info?.duration_millis),
    // v1.1 names the media's short link in the text as the media's own `url`.
    textUrl: httpUrl(media.url),
    private: options.private || undefined,
  });
}

export function mapV1MediaList(list: V1Media[] | undefined, options: { private: boolean }): InboundMedia[] {
  return (list ?? []).map((m) => mapV1Media(m, options)).filter((m): m is InboundMedia => m !== null);
}

export function mapV1Links(urls: V1Url[] | undefined): InboundLink[] {
  const out: InboundLink[] = [];
  for (const u of urls ?? []) {
    const url = httpUrl(u.url);
    if (!url) continue;
    out.push(
      compact({
        url,
        expandedUrl: httpUrl(u.expanded_url),
        displayUrl: text(u.display_url),
        title: text(u.unwound?.title),
        description: text(u.unwound?.description),
        unwoundUrl: httpUrl(u.unwound?.url),
      }),
    );
  }
  return out;
}
