/**
 * Reads a customer's answer to the satisfaction question: a rating from 1 to 5 at the start ("4",
 * "4 merci !", "5 - great", "4/5 rapide", "note : 3"), then an optional comment, kept as written.
 * Anything else ("10", "4.5", "2 questions about my order") is not an answer: it stays a message for
 * the agents, and the survey keeps waiting.
 */
export interface SurveyAnswer {
  rating: number;
  comment: string | null;
}

const LEAD = /^(?:(?:note|rating|score)\s*[:=]?\s*)?/iu;
// The digit, not part of a longer number or a decimal, optionally "/5", "sur 5", "out of 5", stars.
const RATING = /^([1-5])(?![\d.,]\d)(?:\s*(?:\/\s*5|sur\s*5|out\s+of\s+5|⭐|★|\*|étoiles?|stars?)(?![\p{L}\d]))?/iu;
/** Words that, right after a number, make it a count rather than a rating. */
const COUNT_WORDS =
  /^(?:questions?|problems?|problèmes?|jours?|days?|heures?|hours?|fois|times?|commandes?|orders?|mois|months?|semaines?|weeks?|minutes?|min|h|€|\$|%|euros?|dollars?|articles?|items?|colis|packages?)\b/iu;

export function parseSurveyAnswer(text: string): SurveyAnswer | null {
  const trimmed = text.normalize('NFC').trim();
  const lead = LEAD.exec(trimmed)?.[0] ?? '';
  const rest = trimmed.slice(lead.length);
  const match = RATING.exec(rest);
  if (!match) return null;
  const after = rest.slice(match[0].length);
  // "4 merci" but not "4merci"-like tokens glued to a letter, nor "2 questions".
  if (after.length > 0 && /^[\p{L}\d]/u.test(after)) return null;
  const comment = after.replace(/^[\s\-–—:,.;!/|)]+/u, '').trim();
  if (COUNT_WORDS.test(comment) && !/^[\s]*[-–—:,.;!]/u.test(after)) return null;
  return { rating: Number(match[1]), comment: comment.length > 0 ? comment : null };
}
