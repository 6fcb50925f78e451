/** Personal data that must not be posted publicly (F15). */
export type PersonalDataKind = 'email' | 'phone' | 'order' | 'card';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  text: string;
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
// French numbers (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0033…) and other international ones.
const frenchPhone = /(?<![\d+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)/g;
const internationalPhone = /(?<![\d+])\+\d{1,3}(?:[\s.-]?\d){7,12}(?!\d)/g;
const orderNumber =
  /\b(?:commande|command|order|cmd|réf(?:érence)?|ref(?:erence)?)\s*(?:n[°o]\.?|no\.?|num(?:éro|ber)?|#|:)?\s*#?\s*([A-Z]{0,4}[-\s]?\d[\dA-Z-]{3,})/giu;
const hashNumber = /(?<![\p{L}\p{N}])#\d{5,}\b/gu;

/**
 * Finds emails, phone numbers (French formats included), order numbers and Luhn-valid card numbers.
 * Overlaps are reported once, as the most specific kind (a card is not also a phone).
 */
export function findPersonalData(text: string): PersonalDataMatch[] {
  const found: (PersonalDataMatch & { start: number; end: number })[] = [];
  const add = (kind: PersonalDataKind, match: RegExpMatchArray) => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (found.some((f) => start < f.end && end > f.start)) return;
    found.push({ kind, text: match[0].trim(), start, end });
  };
  for (const match of text.matchAll(email)) add('email', match);
  for (const match of text.matchAll(cardCandidate)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) add('card', match);
  }
  for (const match of text.matchAll(orderNumber)) add('order', match);
  for (const match of text.matchAll(hashNumber)) add('order', match);
  for (const match of text.matchAll(frenchPhone)) add('phone', match);
  for (const match of text.matchAll(internationalPhone)) add('phone', match);
  return found.sort((a, b) => a.start - b.start).map(({ kind, text: matched }) => ({ kind, text: matched }));
}

/** The kinds found, each once, in a stable order for messages. */
export function personalDataKinds(text: string): PersonalDataKind[] {
  const kinds = new Set(findPersonalData(text).map((m) => m.kind));
  return (['email', 'phone', 'order', 'card'] as const).filter((kind) => kinds.has(kind));
}
