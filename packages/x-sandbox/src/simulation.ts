import { SandboxError } from './errors.ts';
import type { XSandbox } from './sandbox.ts';
import type { PostInput, SandboxTweet } from './engine.ts';
import { LINK_ONLY_LINES, mediaFor, PHOTO_LINES } from './scenario-media.ts';

/**
 * Lines a customer might send a brand's care account. Placeholders: {order} (an order number),
 * {day} (a weekday), {n} (a small number). Written for the sandbox; mixed French and English.
 */
export const CUSTOMER_LINES: readonly { lang: 'fr' | 'en'; mood: 'question' | 'complaint' | 'praise'; text: string }[] =
  [
    {
      lang: 'fr',
      mood: 'question',
      text: 'Bonjour, ma commande {order} est indiquée livrée mais je n’ai rien reçu. Vous pouvez vérifier ?',
    },
    {
      lang: 'fr',
      mood: 'question',
      text: 'Est-ce que je peux encore modifier l’adresse de livraison de la commande {order} ?',
    },
    { lang: 'fr', mood: 'question', text: 'Vous livrez en Belgique ? Je ne trouve pas l’info sur le site.' },
    {
      lang: 'fr',
      mood: 'question',
      text: 'Comment je fais pour retourner un article acheté en magasin ? Le ticket date de {n} jours.',
    },
    {
      lang: 'fr',
      mood: 'question',
      text: 'Bonsoir, le code promo de la newsletter ne passe pas au paiement, c’est normal ?',
    },
    { lang: 'fr', mood: 'question', text: 'Quels sont vos horaires du service client ce {day} ?' },
    {
      lang: 'fr',
      mood: 'question',
      text: 'Je voudrais supprimer mon compte, où est-ce que je peux faire la demande ?',
    },
    {
      lang: 'fr',
      mood: 'question',
      text: 'Le remboursement de la commande {order} prend combien de temps en général ?',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'Troisième fois que j’appelle pour la commande {order}, toujours aucune réponse. Sérieusement ?',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'Colis arrivé ouvert et abîmé, il manque une pièce. Commande {order}. Très déçue.',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'On m’a débité deux fois pour la même commande ({order}). Je veux être remboursée rapidement.',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'L’appli plante à chaque fois que j’ouvre mon panier depuis la mise à jour de {day}.',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'Livraison annoncée pour {day}, toujours rien et le suivi ne bouge plus depuis {n} jours.',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'Le produit ne correspond pas du tout à la photo. Je suis vraiment mécontente.',
    },
    {
      lang: 'fr',
      mood: 'complaint',
      text: 'Impossible de me connecter à mon compte, le mail de réinitialisation n’arrive jamais.',
    },
    {
      lang: 'fr',
      mood: 'praise',
      text: 'Merci à votre conseillère au téléphone ce matin, problème réglé en {n} minutes !',
    },
    { lang: 'fr', mood: 'praise', text: 'Commande {order} reçue en avance et super bien emballée, bravo l’équipe.' },
    {
      lang: 'fr',
      mood: 'praise',
      text: 'Franchement votre service après-vente est au top, échange fait sans discuter.',
    },
    {
      lang: 'en',
      mood: 'question',
      text: 'Hi, my order {order} says delivered but nothing arrived. Could you look into it?',
    },
    { lang: 'en', mood: 'question', text: 'Do you ship to Canada? The checkout page will not accept my postcode.' },
    { lang: 'en', mood: 'question', text: 'Can I still cancel order {order}? I placed it {n} hours ago.' },
    {
      lang: 'en',
      mood: 'question',
      text: 'What is the warranty on the blender I bought last {day}? The receipt does not say.',
    },
    { lang: 'en', mood: 'question', text: 'Is there a way to change the email address on my account?' },
    {
      lang: 'en',
      mood: 'question',
      text: 'How long does a refund usually take once you receive the return for order {order}?',
    },
    {
      lang: 'en',
      mood: 'complaint',
      text: 'Been waiting {n} days for a reply about order {order}. This is not acceptable.',
    },
    {
      lang: 'en',
      mood: 'complaint',
      text: 'Your app logged me out and now says my password is wrong. I never changed it.',
    },
    { lang: 'en', mood: 'complaint', text: 'Charged twice for order {order}. Please fix this today.' },
    {
      lang: 'en',
      mood: 'complaint',
      text: 'The courier left my parcel in the rain on {day}, everything inside is ruined.',
    },
    {
      lang: 'en',
      mood: 'complaint',
      text: 'The discount code from your ad does not work on any item. Why advertise it then?',
    },
    {
      lang: 'en',
      mood: 'praise',
      text: 'Shout out to the support team, my replacement arrived the very next day. Thank you!',
    },
    { lang: 'en', mood: 'praise', text: 'Order {order} arrived early and the packaging was plastic free. Love it.' },
    { lang: 'en', mood: 'praise', text: 'Best customer service chat I have had this year, {n} minutes and sorted.' },
  ];

/** What the customer says after the brand answered them, so threads keep going. */
export const FOLLOW_UP_LINES: readonly { lang: 'fr' | 'en'; text: string }[] = [
  { lang: 'fr', text: 'Merci pour la réponse rapide ! Je vous envoie le numéro en message privé.' },
  { lang: 'fr', text: 'Toujours rien reçu malgré votre message d’hier… on fait comment ?' },
  { lang: 'fr', text: 'C’est bon, c’est réglé, merci beaucoup.' },
  { lang: 'fr', text: 'Je ne comprends pas, on m’a dit l’inverse au téléphone {day}.' },
  { lang: 'fr', text: 'D’accord, et le délai c’est combien de jours exactement ?' },
  { lang: 'en', text: 'Thanks for getting back to me so quickly!' },
  { lang: 'en', text: 'Still nothing on my side, it has been {n} days since your last message.' },
  { lang: 'en', text: 'All sorted now, much appreciated.' },
  { lang: 'en', text: 'That is not what the agent told me on {day} though.' },
  { lang: 'en', text: 'Okay, and how long will that take?' },
];

const DAYS_FR = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const DAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface Scheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface CustomerSimulationOptions {
  brandUsername: string;
  intervalMs: number;
  /** Used to phrase relative weekdays in messages; posts themselves are stamped by the sandbox clock. */
  clock?: () => Date;
  random?: () => number;
  /** Defaults to the global timers; tests pass a fake one (or use vi.useFakeTimers). */
  scheduler?: Scheduler;
  customer?: { username: string; name: string; description?: string; followersCount?: number };
  /** Chance (0–1) of answering the brand's latest reply instead of starting a new thread; default 0.5. */
  followUpRate?: number;
  /** Chance (0–1) that a new thread is a photo of the problem (or a GIF, or a video); default 0.15. */
  photoRate?: number;
  /** Chance (0–1) that a new thread is a link alone after the brand's handle; default 0.07. */
  linkRate?: number;
  onPost?: (tweet: SandboxTweet) => void;
  onError?: (error: unknown) => void;
}

export interface CustomerSimulation {
  stop(): void;
  /** Posts one message now; returns it, or null when the brand account does not exist yet. */
  tick(): SandboxTweet | null;
}

/**
 * The desk's simple entry: one customer (Camille Durand by default) mentioning the brand on a fixed interval
 * and following up on its answers. Kept single-customer on purpose so the desk's tests stay predictable; for
 * a crowd (40 customers, DMs, third parties, follows, likes, seeds) use `startScenario` from scenario.ts.
 */
export function startCustomerSimulation(sandbox: XSandbox, options: CustomerSimulationOptions): CustomerSimulation {
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => new Date());
  const scheduler: Scheduler = options.scheduler ?? {
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  };
  const profile = options.customer ?? {
    username: 'camille_durand',
    name: 'Camille Durand',
    description: 'Lyon · café, vélo et colis perdus',
    followersCount: 312,
  };
  const customer = sandbox.ensureUser(profile).user;
  const followUpRate = options.followUpRate ?? 0.5;

  const pick = <T>(items: readonly T[]): T => items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
  const fill = (text: string, lang: 'fr' | 'en'): string =>
    text
      .replace('{order}', `#${10000 + Math.floor(random() * 90000)}`)
      .replace('{n}', String(2 + Math.floor(random() * 9)))
      .replace('{day}', recentWeekday(lang));

  /** A weekday one to three days before "now", so "delivery promised for Tuesday" reads plausibly. */
  function recentWeekday(lang: 'fr' | 'en'): string {
    const daysAgo = 1 + Math.floor(random() * 3);
    const weekday = (clock().getUTCDay() + 7 - daysAgo) % 7; // 0 = Sunday
    const mondayFirst = (weekday + 6) % 7;
    return (lang === 'fr' ? DAYS_FR : DAYS_EN)[mondayFirst]!;
  }

  /** The brand's newest reply to this customer that the customer has not answered yet. */
  function pendingBrandReply(brandId: string): SandboxTweet | undefined {
    const latest = sandbox.listTweets({ authorId: brandId }).find((t) => t.inReplyToUserId === customer.id);
    if (!latest) return undefined;
    return sandbox.listTweets({ inReplyToTweetId: latest.id }).some((t) => t.authorId === customer.id)
      ? undefined
      : latest;
  }

  function compose(brandUsername: string, replyTo: SandboxTweet | undefined): PostInput {
    if (replyTo) {
      const line = pick(FOLLOW_UP_LINES);
      // The reply is auto-prefixed with @brand by the sandbox, so it lands in the brand's mentions.
      return { text: fill(line.text, line.lang), inReplyToTweetId: replyTo.id };
    }
    // Now and then the customer shows the problem instead: a photo (few words or none), or a link alone.
    const shows = random();
    if (shows < (options.photoRate ?? 0.15)) {
      const photo = pick(PHOTO_LINES);
      const lang = random() < 0.5 ? 'fr' : 'en';
      const caption = fill(photo.caption[lang], lang);
      return {
        text: caption ? `@${brandUsername} ${caption}` : `@${brandUsername}`,
        media: mediaFor(photo, lang, random()),
      };
    }
    if (shows < (options.photoRate ?? 0.15) + (options.linkRate ?? 0.07)) {
      const lang = random() < 0.5 ? 'fr' : 'en';
      return { text: `@${brandUsername} ${fill(pick(LINK_ONLY_LINES[lang]), lang)}` };
    }
    const line = pick(CUSTOMER_LINES);
    const body = fill(line.text, line.lang);
    return { text: random() < 0.7 ? `@${brandUsername} ${body}` : `${body} @${brandUsername}` };
  }

  function tick(): SandboxTweet | null {
    const brand = sandbox.findUser(options.brandUsername);
    if (!brand) return null;
    const pending = pendingBrandReply(brand.id);
    const replyTo = pending && random() < followUpRate ? pending : undefined;
    // Filled-in placeholders make repeats rare; retry a few times if X would still call it a duplicate.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const tweet = sandbox.post(customer.id, compose(brand.username, replyTo));
        options.onPost?.(tweet);
        return tweet;
      } catch (err) {
        if (!(err instanceof SandboxError && err.status === 403 && /duplicate/.test(String(err.body.detail))))
          throw err;
      }
    }
    return null;
  }

  const handle = scheduler.setInterval(() => {
    try {
      tick();
    } catch (err) {
      options.onError?.(err);
    }
  }, options.intervalMs);

  return {
    stop: () => scheduler.clearInterval(handle),
    tick,
  };
}
