import type { MessageAttachments, MessageLink } from '@guichet/contracts';
import { safeHttpUrl } from '../../components/safeUrl.ts';

/** A piece of a message's text as the case page shows it. */
export type TextSegment =
  | { kind: 'text'; text: string }
  /** A link the network shortened (X: t.co), shown as where it goes: `label` is its display form. */
  | { kind: 'link'; href: string; label: string };

/** A character that would continue an address: `https://t.co/ab` is not found inside `https://t.co/abc`. */
const CONTINUES = /[A-Za-z0-9_\-/?=&%#.~+]/;

/** Where `token` next occurs in `text` from `from` as a whole address, or -1. */
function nextWhole(text: string, token: string, from: number): number {
  for (let i = text.indexOf(token, from); i >= 0; i = text.indexOf(token, i + 1)) {
    const after = text.charAt(i + token.length);
    // A full stop right after is punctuation, not part of the address.
    if (after === '' || !CONTINUES.test(after) || (after === '.' && !CONTINUES.test(text.charAt(i + token.length + 1))))
      return i;
  }
  return -1;
}

/**
 * The text as the network sent it (stored as-is), cut into plain text and links for display: a short link
 * the network expanded shows as its display form and opens its real address (the t.co link never alone);
 * the short link standing for attached media is left out (the media are shown instead, as X does); any
 * other address stays plain text, never a link the desk cannot vouch for.
 */
export function segmentMessageText(text: string, attachments: MessageAttachments): TextSegment[] {
  const links = new Map<string, MessageLink>(attachments.links.map((l) => [l.url, l]));
  const mediaLinks = new Set(attachments.media.flatMap((m) => (m.textUrl ? [m.textUrl] : [])));
  const tokens = [...new Set([...links.keys(), ...mediaLinks])].sort((a, b) => b.length - a.length);
  const out: TextSegment[] = [];
  const pushText = (piece: string) => {
    if (piece === '') return;
    const last = out[out.length - 1];
    if (last?.kind === 'text') last.text += piece;
    else out.push({ kind: 'text', text: piece });
  };
  let at = 0;
  for (;;) {
    let best: { start: number; token: string } | undefined;
    for (const token of tokens) {
      const start = nextWhole(text, token, at);
      if (start >= 0 && (!best || start < best.start)) best = { start, token };
    }
    if (!best) break;
    const link = links.get(best.token);
    const href = safeHttpUrl(link?.expandedUrl ?? link?.unwoundUrl ?? null);
    if (link && href) {
      pushText(text.slice(at, best.start));
      out.push({ kind: 'link', href, label: link.displayUrl ?? displayForm(href) });
    } else if (mediaLinks.has(best.token)) {
      // The space before it goes too, so "@acme_sav https://t.co/x" reads "@acme_sav".
      pushText(text.slice(at, best.start).replace(/\s+$/, ''));
    } else {
      pushText(text.slice(at, best.start + best.token.length));
    }
    at = best.start + best.token.length;
  }
  pushText(text.slice(at));
  return out;
}

/** An address as a person reads it: no scheme, no trailing slash, cut when long. */
export function displayForm(href: string): string {
  const bare = href.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return bare.length > 40 ? `${bare.slice(0, 39)}…` : bare;
}

/** "1:05" from 65 000 ms; hours when there are any. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
