import type { SandboxImage } from './media-images.ts';
import type { MediaInput } from './media.ts';
import type { Lang } from './scenario-lines.ts';

/**
 * Customers who show rather than tell: a photo of the problem (often with no words at all beyond the
 * brand's handle), now and then a GIF or a short video, or only a link (a tracking page, a forum thread).
 * Written for the sandbox. Placeholders as in scenario-lines.ts: {order}.
 */

export interface PhotoLine {
  image: SandboxImage;
  /** What the customer writes with it; empty: the photo alone. */
  caption: Readonly<Record<Lang, string>>;
  /** Alt text, as careful posters write it. */
  alt: Readonly<Record<Lang, string>>;
}

export const PHOTO_LINES: readonly PhotoLine[] = [
  {
    image: 'parcel',
    caption: { fr: 'Voilà dans quel état est arrivé le colis {order}.', en: 'This is how parcel {order} arrived.' },
    alt: { fr: 'Un carton écrasé et déchiré sur un paillasson', en: 'A crushed, torn box on a doormat' },
  },
  {
    image: 'screen',
    caption: { fr: 'Ce message d’erreur à chaque paiement…', en: 'This error every time I try to pay…' },
    alt: { fr: 'Un téléphone affichant une erreur rouge', en: 'A phone showing a red error banner' },
  },
  {
    image: 'receipt',
    caption: { fr: 'Débitée deux fois, la preuve.', en: 'Charged twice, see for yourself.' },
    alt: { fr: 'Un relevé avec la même ligne entourée deux fois', en: 'A statement with the same line circled twice' },
  },
  {
    image: 'router',
    caption: { fr: '', en: '' },
    alt: { fr: 'Une box internet avec un voyant rouge', en: 'A router with a red light' },
  },
  {
    image: 'parcel',
    caption: { fr: '', en: '' },
    alt: { fr: '', en: '' },
  },
];

/** Links posted alone after the brand's handle. */
export const LINK_ONLY_LINES: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['https://suivi.example.com/colis/{order}', 'https://forum.example.org/t/panne-box-quartier'],
  en: ['https://tracking.example.com/parcel/{order}', 'https://forum.example.org/t/router-outage-my-street'],
};

/** Mostly photos; now and then a GIF or a short video of the problem. */
export function mediaFor(line: PhotoLine, lang: Lang, roll: number): MediaInput[] {
  const type = roll < 0.8 ? 'photo' : roll < 0.9 ? 'animated_gif' : 'video';
  const alt = line.alt[lang];
  return [{ type, image: line.image, ...(alt ? { altText: alt } : {}) }];
}
