import type { SandboxDmEvent, SandboxEngine, SandboxTweet } from './engine.ts';
import { dmMediaPath, mediaPageUrl, mediaPath, type SandboxMedia } from './media.ts';
import { rawId } from './v1-json.ts';

/**
 * Media in v1.1 objects (Account Activity deliveries): `entities.media` holds the first item (typed `photo`
 * whatever it is), `extended_entities.media` every item with its real type, and a DM's picture is its
 * `message_data.attachment`. A post's items carry the short link X put in its text (`url`, `display_url`,
 * `expanded_url`, `indices`); the sandbox puts no such link in a DM's text, so a DM's item has none.
 */
export function v1MediaEntity(
  engine: SandboxEngine,
  media: SandboxMedia,
  link: { url: string; start: number; end: number; expandedUrl: string } | undefined,
  path: string,
  asPhoto = false,
): Record<string, unknown> {
  const id = media.mediaKey.split('_')[1]!;
  const size = { w: media.width, h: media.height, resize: 'fit' };
  const out: Record<string, unknown> = {
    id: rawId(id),
    id_str: id,
    media_key: media.mediaKey,
    media_url: `${engine.mediaBaseUrl}${path}`,
    media_url_https: `${engine.mediaBaseUrl}${path}`,
    ...(link
      ? {
          indices: [link.start, link.end],
          url: link.url,
          display_url: `pic.x.com/${link.url.slice(link.url.lastIndexOf('/') + 1)}`,
          expanded_url: link.expandedUrl,
        }
      : {}),
    type: asPhoto ? 'photo' : media.type,
    original_info: { width: media.width, height: media.height },
    sizes: { large: size, medium: size, small: size, thumb: { w: 150, h: 150, resize: 'crop' } },
  };
  if (media.altText) out.ext_alt_text = media.altText;
  if (media.type !== 'photo' && !asPhoto) {
    // No video files in the sandbox: the duration is given, the variants list is empty.
    out.video_info = {
      aspect_ratio: [4, 3],
      ...(media.durationMs !== undefined ? { duration_millis: media.durationMs } : {}),
      variants: [],
    };
  }
  return out;
}

/** `entities.media` (first item) and `extended_entities` of a post with media; empty for a post without. */
export function v1TweetMedia(
  engine: SandboxEngine,
  t: SandboxTweet,
): { first?: Record<string, unknown>; extended?: { media: Record<string, unknown>[] } } {
  const media = t.media ?? [];
  const link = t.entities.urls.find((u) => u.mediaKey !== undefined);
  if (!media.length || !link) return {};
  const author = engine.findUserById(t.authorId)?.username ?? 'i';
  const ref = (m: SandboxMedia) => ({ ...link, expandedUrl: mediaPageUrl(author, t.id, m) });
  return {
    first: v1MediaEntity(engine, media[0]!, ref(media[0]!), mediaPath(media[0]!), true),
    extended: { media: media.map((m) => v1MediaEntity(engine, m, ref(m), mediaPath(m))) },
  };
}

/** A DM's attachment, `{type: 'media', media}`, its picture on the credentials-only host. */
export function v1DmAttachment(engine: SandboxEngine, e: SandboxDmEvent): Record<string, unknown> | undefined {
  if (!e.media) return undefined;
  return { type: 'media', media: v1MediaEntity(engine, e.media, undefined, dmMediaPath(e.id, e.media)) };
}
