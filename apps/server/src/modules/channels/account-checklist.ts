import type { AccountProfile } from '@guichet/connectors';
import type { ChecklistItem } from '@guichet/contracts';

/**
 * The account set-up checklist (F30), as pure checks over the profile X returns. The advice itself is in
 * the web app's catalogues (fr, en); a check says what it found and what is missing, so the advice fits.
 */

/** Words that say "support" in a handle, in French and English (@acme_sav, @AcmeHelp, @AskAcme). */
const SUPPORT_WORDS = [
  'support',
  'help',
  'helpdesk',
  'care',
  'service',
  'sav',
  'aide',
  'assist',
  'assistance',
  'hotline',
  'cs',
  'client',
  'clients',
  'conseil',
];
/** Also recognised as the start or end of a handle written without separators (`acmesupport`). */
const SUPPORT_AFFIXES = ['support', 'help', 'service', 'sav', 'care', 'aide', 'assist', 'hotline'];
/** Starts that mean the same (`AskAcme`, `HelpAcme`), while `careers` or `savings` do not. */
const SUPPORT_PREFIXES = ['ask', 'help', 'support', 'sav_', 'aide'];

/** `AcmeHelp_FR2` → `acme`, `help`, `fr`. */
function tokens(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\u00e0-\u00ff]+/)
    .filter(Boolean);
}

export function supportWordIn(handle: string): string | null {
  const lower = handle.toLowerCase();
  const token = tokens(handle).find((t) => SUPPORT_WORDS.includes(t));
  if (token) return token;
  const suffix = SUPPORT_AFFIXES.find((word) => lower.endsWith(word) && lower.length > word.length);
  if (suffix) return suffix;
  const prefix = SUPPORT_PREFIXES.find((word) => lower.startsWith(word) && lower.length > word.length);
  return prefix ? prefix.replace(/_$/, '') : null;
}

export function checkSupportHandle(profile: Pick<AccountProfile, 'handle' | 'name'>): ChecklistItem {
  const word = supportWordIn(profile.handle);
  if (word) return { id: 'supportHandle', state: 'ok', missing: [], found: word };
  // The name may say "support" while the handle does not: a handle is what people type and search.
  const inName = tokens(profile.name).find((t) => SUPPORT_WORDS.includes(t)) ?? null;
  return { id: 'supportHandle', state: 'todo', missing: ['handle'], found: inName };
}

/** A pattern that matches whole words in any script (`\b` only knows ASCII letters: "à", "é" break it). */
function words(source: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${source})(?![\\p{L}\\p{N}_])`, 'iu');
}

const PURPOSE = words(
  [
    'support',
    'help',
    'helpdesk',
    'customer (?:care|service|support)',
    'questions?',
    'answers?',
    'assistance',
    'aide',
    'sav',
    'service (?:client|clients|après-vente|apres-vente)',
    'relation client',
    'conseils?',
    "we(?:'|’| a)re here",
    'à votre écoute',
    'nous (?:vous )?répondons',
    'on vous répond',
    'réponses?',
  ].join('|'),
);

/** Opening hours as people write them: 8h, 8h30, 8 h–20 h, 9:00, 9am, 24/7, 7j/7, 24h/24, 7 days. */
const HOURS = words(
  [
    '\\d{1,2}\\s?(?:h|heures?|hours?)(?:\\s?\\d{2})?',
    '\\d{1,2}[:.]\\d{2}',
    '\\d{1,2}\\s?(?:am|pm)',
    '24\\s?/\\s?7',
    '7\\s?j\\s?/\\s?7',
    '24\\s?h\\s?/\\s?24',
    '7\\s?(?:days|jours)',
  ].join('|'),
);

/** Ways to reach the desk besides a public post: DMs, an email, a phone number, a link. */
const CONTACT = words(
  [
    'DMs?',
    'MP',
    'messages? privés?',
    'direct messages?',
    'par message',
    '[^\\s@]+@[^\\s@]+\\.\\w{2,}',
    '\\+?\\d[\\d .-]{7,}\\d',
    'https?://\\S+',
    'www\\.\\S+',
  ].join('|'),
);

export function saysPurpose(text: string): boolean {
  return PURPOSE.test(text);
}

export function saysHours(text: string): boolean {
  return HOURS.test(text);
}

export function saysContact(text: string): boolean {
  return CONTACT.test(text);
}

export function checkBio(profile: Pick<AccountProfile, 'description'>): ChecklistItem {
  const bio = profile.description.trim();
  const missing: string[] = [];
  if (!bio) return { id: 'bio', state: 'todo', missing: ['bio'], found: null };
  if (!saysPurpose(bio)) missing.push('purpose');
  if (!saysHours(bio)) missing.push('hours');
  return { id: 'bio', state: missing.length ? 'todo' : 'ok', missing, found: bio };
}

function hostOf(url: string): string | null {
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).hostname.replace(/^www\./, '').toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A link to the help centre on the profile (its website or a link in the bio). With the reply settings'
 * help-centre link known, the profile must point to that site; without it, any link counts and the advice
 * suggests recording it.
 */
export function checkHelpLink(
  profile: Pick<AccountProfile, 'url' | 'descriptionUrls'>,
  helpCenterUrl: string | null,
): ChecklistItem {
  const links = [profile.url, ...profile.descriptionUrls].filter((link): link is string => Boolean(link));
  if (links.length === 0) return { id: 'helpLink', state: 'todo', missing: ['link'], found: null };
  if (!helpCenterUrl) return { id: 'helpLink', state: 'ok', missing: ['settings'], found: links[0]! };
  const wanted = hostOf(helpCenterUrl);
  const match = links.find((link) => wanted !== null && hostOf(link) === wanted);
  return match
    ? { id: 'helpLink', state: 'ok', missing: [], found: match }
    : { id: 'helpLink', state: 'todo', missing: ['helpCenter'], found: links[0]! };
}

/**
 * X's API does not say whether an account accepts DMs from everyone (`receives_your_dm` is about the
 * account asking, not about the account's own setting), so this one is checked by hand.
 */
export function checkDmsOpen(): ChecklistItem {
  return { id: 'dmsOpen', state: 'unknown', missing: [], found: null };
}

export function checkPinnedPost(profile: Pick<AccountProfile, 'pinnedPost'>): ChecklistItem {
  const pinned = profile.pinnedPost;
  if (!pinned) return { id: 'pinnedPost', state: 'todo', missing: ['pinned'], found: null };
  const missing: string[] = [];
  if (!saysHours(pinned.text)) missing.push('hours');
  if (!saysContact(pinned.text)) missing.push('contact');
  return { id: 'pinnedPost', state: missing.length ? 'todo' : 'ok', missing, found: pinned.text };
}

/** X's egg and its successors live under `default_profile_images`. */
export function checkProfilePicture(profile: Pick<AccountProfile, 'profileImageUrl'>): ChecklistItem {
  const url = profile.profileImageUrl;
  const isDefault = !url || /default_profile/i.test(url);
  return isDefault
    ? { id: 'profilePicture', state: 'todo', missing: ['picture'], found: null }
    : { id: 'profilePicture', state: 'ok', missing: [], found: url };
}

export function accountChecklist(profile: AccountProfile, helpCenterUrl: string | null): ChecklistItem[] {
  return [
    checkSupportHandle(profile),
    checkBio(profile),
    checkHelpLink(profile, helpCenterUrl),
    checkDmsOpen(),
    checkPinnedPost(profile),
    checkProfilePicture(profile),
  ];
}
