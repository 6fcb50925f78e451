/**
 * Personal data that must not be posted publicly (F15, issue 13). One detector for both sides: the
 * composer warns with it and the server refuses with it, so what the agent is warned about is exactly what
 * the server checks. Pure functions, no dependencies.
 */
export type PersonalDataKind = 'email' | 'phone' | 'address' | 'card';

export const personalDataKindOrder: readonly PersonalDataKind[] = ['email', 'phone', 'address', 'card'];

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  text: string;
}

/** The brand's own contact details (reply settings): publishing them is the point, not a leak. */
export interface BrandContacts {
  supportEmail?: string | null | undefined;
  supportPhone?: string | null | undefined;
}

/** The Luhn checksum every payment card number passes. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = Number(digits[i]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

const email = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const cardCandidate = /(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])/g;
/**
 * The payment networks customers write about (Mastercard 2 and 5, Amex, Diners and JCB 3, Visa 4, Discover,
 * UnionPay and Maestro 6) begin with 2 to 6. Luhn alone passes one number in ten: a millisecond timestamp or a
 * parcel number starting with 1 (airline UATP cards aside) was flagged as a card and blocked a harmless reply.
 */
const cardIssuerDigit = /^[2-6]/;
// Phones need a phone's shape; a bare run of digits ("commande 123456789") is not one.
const phoneShapes = [
  // French: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, 0033 (0)1 23 45 67 89.
  /(?<![\p{N}+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\p{N})/gu,
  // North American: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567.
  /(?<![\p{N}+])(?:\+1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\p{N})/gu,
  // International with a country code: +44 20 7946 0958, +49 30 1234567.
  /(?<![\p{N}+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\p{N})/gu,
];
const streetNumber = String.raw`(?<![\p{L}\p{N}#-])\d{1,5}(?:\s?(?:bis|ter|[a-dA-D]))?,?\s+`;
// French street words come first ("12 rue de la Paix"), English ones last ("221B Baker Street").
const frenchAddress = new RegExp(
  streetNumber +
    String.raw`(?:rue|avenue|av\.|bd|boulevard|chemin|all[ée]e|place|impasse|quai|route|cours|faubourg|square)\s+(?:d[eu']|des|la|le|l')?\s*\p{L}`,
  'giu',
);
// Street names are capitalised in English; the street word may or may not be ("Baker Street", "Main st.").
const englishStreetWords = [
  'street',
  'st\\.?',
  'road',
  'rd\\.?',
  'avenue',
  'ave\\.?',
  'boulevard',
  'blvd\\.?',
  'lane',
  'ln\\.?',
  'drive',
  'dr\\.?',
  'court',
  'ct\\.?',
  'way',
  'place',
  'pl\\.?',
]
  .map((word) => `[${word[0]!.toUpperCase()}${word[0]}]${word.slice(1)}`)
  .join('|');
const englishAddress = new RegExp(
  streetNumber + String.raw`(?:\p{Lu}[\p{L}'-]*\s+){1,3}(?:${englishStreetWords})(?![\p{L}])`,
  'gu',
);
// "commande 4111…", "ticket #A-12345", "order n° 06 12 34 56 78": a reference, whatever its shape.
const referenceBefore =
  /(?:commande|command|order|cmd|ticket|dossier|facture|invoice|r[ée]f(?:[ée]rence)?|ref(?:erence)?|suivi|tracking|colis|parcel)\s*(?:n[°o]\.?|no\.?|num(?:[ée]ro|ber)?|#|:)?\s*#?\s*$/iu;

function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** The national part of a phone number, so +33 6 12 34 56 78 and 06 12 34 56 78 compare equal. */
function phoneKey(value: string): string {
  const digits = digitsOf(value);
  return digits.length > 9 ? digits.slice(-9) : digits;
}

function isBrandContact(kind: PersonalDataKind, matched: string, brand: BrandContacts | undefined): boolean {
  if (!brand) return false;
  if (kind === 'email' && brand.supportEmail) {
    return matched.toLowerCase() === brand.supportEmail.trim().toLowerCase();
  }
  if (kind === 'phone' && brand.supportPhone) {
    return phoneKey(brand.supportPhone).length >= 6 && phoneKey(matched) === phoneKey(brand.supportPhone);
  }
  return false;
}

/**
 * Finds e-mail addresses, phone numbers (French, North American and international shapes), postal addresses
 * (street number and street word, French or English) and Luhn-valid card numbers. Order and ticket numbers
 * are not personal data, and the brand's own e-mail and phone are allowed. Overlaps are reported once, as the
 * most specific kind (a card is not also a phone).
 */
export function findPersonalData(text: string, brand?: BrandContacts): PersonalDataMatch[] {
  const found: (PersonalDataMatch & { start: number; end: number })[] = [];
  const taken: { start: number; end: number }[] = [];
  const add = (kind: PersonalDataKind, match: RegExpMatchArray) => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (taken.some((f) => start < f.end && end > f.start)) return;
    // Even a skipped reference claims its span, so its digits are not read again as another kind.
    taken.push({ start, end });
    if (kind !== 'email' && referenceBefore.test(text.slice(Math.max(0, start - 40), start))) return;
    const matched = match[0].trim();
    if (isBrandContact(kind, matched, brand)) return;
    found.push({ kind, text: matched, start, end });
  };
  for (const match of text.matchAll(email)) add('email', match);
  for (const match of text.matchAll(cardCandidate)) {
    const digits = digitsOf(match[0]);
    if (digits.length >= 13 && digits.length <= 19 && cardIssuerDigit.test(digits) && passesLuhn(digits)) {
      add('card', match);
    }
  }
  for (const shape of phoneShapes) {
    for (const match of text.matchAll(shape)) {
      const digits = digitsOf(match[0]).length;
      if (digits >= 8 && digits <= 15) add('phone', match);
    }
  }
  for (const match of text.matchAll(frenchAddress)) add('address', match);
  for (const match of text.matchAll(englishAddress)) add('address', match);
  return found.sort((a, b) => a.start - b.start).map(({ kind, text: matched }) => ({ kind, text: matched }));
}

/** The kinds found, each once, in a stable order for messages. */
export function personalDataKinds(text: string, brand?: BrandContacts): PersonalDataKind[] {
  const kinds = new Set(findPersonalData(text, brand).map((m) => m.kind));
  return personalDataKindOrder.filter((kind) => kinds.has(kind));
}
