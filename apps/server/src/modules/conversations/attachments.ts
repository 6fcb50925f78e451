import { httpUrl, type InboundItem, type InboundLink, type InboundMedia } from '@guichet/connectors';
import type { MessageAttachments, MessageLink, MessageMedia } from '@guichet/contracts';

/**
 * `messages.attachments` (0022): the media and links of a message as JSON text `{media, links}` in the
 * connector's shape, null when it has neither. Written by ingestion's store stage, read into the message DTO.
 */

const MEDIA_TYPES = new Set(['photo', 'animated_gif', 'video']);
const NONE: MessageAttachments = { media: [], links: [] };

export function attachmentsColumn(item: Pick<InboundItem, 'media' | 'links'>): string | null {
  const media = item.media ?? [];
  const links = item.links ?? [];
  return media.length || links.length ? JSON.stringify({ media, links }) : null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
const url = (value: unknown): string | null => httpUrl(value) ?? null;

function toMedia(raw: Partial<InboundMedia>): MessageMedia | null {
  if (!raw || typeof raw !== 'object' || !MEDIA_TYPES.has(raw.type as string)) return null;
  return {
    type: raw.type as MessageMedia['type'],
    mediaKey: str(raw.mediaKey),
    url: url(raw.url),
    previewUrl: url(raw.previewUrl),
    videoUrl: url(raw.videoUrl),
    width: int(raw.width),
    height: int(raw.height),
    altText: str(raw.altText),
    durationMs: int(raw.durationMs),
    textUrl: url(raw.textUrl),
    private: raw.private === true,
  };
}

function toLink(raw: Partial<InboundLink>): MessageLink | null {
  const short = raw && typeof raw === 'object' ? url(raw.url) : null;
  if (!short) return null;
  return {
    url: short,
    expandedUrl: url(raw.expandedUrl),
    displayUrl: str(raw.displayUrl),
    title: str(raw.title),
    description: str(raw.description),
    unwoundUrl: url(raw.unwoundUrl),
  };
}

/**
 * The stored column as the API shows it. What was stored came from a network: addresses are checked again
 * (http(s) only) and anything unreadable is left out rather than failing the whole case.
 */
export function parseAttachments(column: string | null): MessageAttachments {
  if (!column) return NONE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(column);
  } catch {
    return NONE;
  }
  const value = (parsed ?? {}) as { media?: unknown; links?: unknown };
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  return {
    media: list(value.media)
      .map((m) => toMedia(m as Partial<InboundMedia>))
      .filter((m): m is MessageMedia => m !== null),
    links: list(value.links)
      .map((l) => toLink(l as Partial<InboundLink>))
      .filter((l): l is MessageLink => l !== null),
  };
}
