import type { AccountChecklist } from '@guichet/contracts';
import { publicLength } from '../composer/xLength.ts';

/** X's limit for a profile's bio. */
export const BIO_LIMIT = 160;

type Facts = AccountChecklist['bioFacts'];
type Day = { start: string; end: string }[];

const DAYS = {
  fr: ['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
} as const;

/** `08:30` → `8h30` in French, `8:30am` in English; `24:00` is midnight. */
export function clockText(time: string, lang: 'fr' | 'en'): string {
  const [h = 0, m = 0] = time.split(':').map(Number);
  if (lang === 'fr') return m ? `${h}h${String(m).padStart(2, '0')}` : `${h}h`;
  if (h === 24 || (h === 0 && m === 0)) return 'midnight';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
}

const dayText = (day: Day, lang: 'fr' | 'en') =>
  day.map(({ start, end }) => `${clockText(start, lang)}–${clockText(end, lang)}`).join(', ');

/**
 * The weekly hours in a few words: days with the same hours grouped (`lun.–ven. 8h–20h, sam. 9h–12h`),
 * `7j/7` / `every day` when all are the same, `24h/24` / `24/7` around the clock. Null without hours.
 */
export function hoursText(week: Facts['week'], lang: 'fr' | 'en'): string | null {
  if (!week || week.length !== 7 || week.every((day) => day.length === 0)) return null;
  const key = (day: Day) => JSON.stringify(day);
  if (week.every((day) => key(day) === key(week[0]!))) {
    const first = week[0]!;
    if (first.length === 1 && first[0]!.start === '00:00' && first[0]!.end === '24:00')
      return lang === 'fr' ? '24h/24, 7j/7' : '24/7';
    return `${lang === 'fr' ? '7j/7' : 'every day'} ${dayText(first, lang)}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < 7;) {
    let j = i;
    while (j + 1 < 7 && key(week[j + 1]!) === key(week[i]!)) j++;
    if (week[i]!.length > 0) {
      const days = i === j ? DAYS[lang][i] : `${DAYS[lang][i]}–${DAYS[lang][j]}`;
      parts.push(`${days} ${dayText(week[i]!, lang)}`);
    }
    i = j + 1;
  }
  return parts.join(', ');
}

/** `Acme — Service client` → `Acme`: the brand, without what the account is. */
export function brandOf(name: string, handle: string): string {
  const brand = name.split(/\s+[—–\-|·:]\s+/)[0]?.trim();
  return brand || handle;
}

/**
 * Bio drafts from the richest to the shortest, in one language: what the account is for, its hours, how to
 * reach it. The first that fits X's 160 characters (weighted as X counts them) is offered.
 */
export function bioDrafts(input: { brand: string; facts: Facts; lang: 'fr' | 'en' }): string[] {
  const { brand, facts, lang } = input;
  const hours = hoursText(facts.week, lang);
  const link = facts.helpCenterUrl;
  const email = facts.supportEmail;
  if (lang === 'fr') {
    const when = hours ? ` En ligne ${hours}.` : '';
    return [
      `Service client ${brand} : vos questions, nos réponses.${when} Écrivez-nous en DM${email ? ` ou à ${email}` : ''}.${link ? ` Aide : ${link}` : ''}`,
      `Service client ${brand}.${when} Écrivez-nous en DM.${link ? ` Aide : ${link}` : ''}`,
      `Service client ${brand}.${when}${link ? ` ${link}` : ''}`,
      `SAV ${brand}.${when}`,
    ];
  }
  const when = hours ? ` Here ${hours}.` : '';
  return [
    `${brand} customer care: ask us anything.${when} DM us${email ? ` or email ${email}` : ''}.${link ? ` Help centre: ${link}` : ''}`,
    `${brand} customer care.${when} DM us anytime.${link ? ` Help: ${link}` : ''}`,
    `${brand} customer care.${when}${link ? ` ${link}` : ''}`,
    `${brand} support.${when}`,
  ];
}

export function writeBio(input: { brand: string; facts: Facts; lang: 'fr' | 'en' }): string {
  const drafts = bioDrafts(input).map((draft) => draft.replace(/\s+/g, ' ').trim());
  return drafts.find((draft) => publicLength(draft) <= BIO_LIMIT) ?? drafts.at(-1)!;
}
