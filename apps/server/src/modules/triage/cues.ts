/**
 * Urgency cues: words and phrases (fr + en) that make a post more urgent than its type and sentiment say.
 * A registry: each cue has a stable id (stored on the message), a reason in both languages, and patterns.
 */
export interface UrgencyCue {
  id: string;
  reason: { en: string; fr: string };
  pattern: RegExp;
}

// JavaScript's \b only knows ASCII letters ("cassé" would not end at a boundary): use Unicode lookarounds.
const NOT_AFTER_WORD = '(?<![\\p{L}\\p{N}_])';
const NOT_BEFORE_WORD = '(?![\\p{L}\\p{N}_])';
const cue = (id: string, en: string, fr: string, pattern: RegExp): UrgencyCue => ({
  id,
  reason: { en, fr },
  pattern: new RegExp(pattern.source.replace(/^\\b/, NOT_AFTER_WORD).replace(/\\b$/, NOT_BEFORE_WORD), 'iu'),
});

const WORD_CHARACTER = /^[\p{L}\p{N}_]$/u;

/** Whether the character (code point) that ends just before `index` is a letter, digit or "_". */
function wordCharacterBefore(text: string, index: number): boolean {
  if (index === 0) return false;
  let start = index - 1;
  const low = text.charCodeAt(start);
  if (low >= 0xdc00 && low <= 0xdfff && start > 0) {
    const high = text.charCodeAt(start - 1);
    if (high >= 0xd800 && high <= 0xdbff) start--;
  }
  return WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(start)!));
}

/**
 * `pattern.test` for a pattern that starts with "not after a letter" (`NOT_AFTER_WORD`), same answers, about
 * three times faster: a leading lookbehind keeps V8 from skipping ahead to where an alternative can start, so
 * the pattern runs without it and each match's start is checked by hand.
 */
export function wordStartTester(source: string, flags: string): (text: string) => boolean {
  if (!source.startsWith(NOT_AFTER_WORD)) {
    const pattern = new RegExp(source, flags);
    return (text) => pattern.test(text);
  }
  const pattern = new RegExp(source.slice(NOT_AFTER_WORD.length), `${flags}g`);
  return (text) => {
    pattern.lastIndex = 0;
    for (;;) {
      const match = pattern.exec(text);
      if (!match) return false;
      if (!wordCharacterBefore(text, match.index)) return true;
      pattern.lastIndex = match.index + 1;
    }
  };
}

export const URGENCY_CUES: readonly UrgencyCue[] = [
  cue(
    'outage',
    'mentions outage',
    'signale une panne',
    /\b(outages?|(is|are|went|goes|been|still) down|service (is )?down|offline|no (service|signal|internet|network|connection|power)|pannes?|en panne|coupures?|hs|plus de (réseau|connexion|internet|courant|électricité|wifi)|plus d['’](internet|électricité))\b/iu,
  ),
  cue(
    'broken',
    'product broken',
    'produit défaillant',
    /\b(broken|broke|(does ?n[o']?t|doesnt|won'?t|wont|can'?t|cannot|isn'?t|not) (work|working|load|start|turn on|open|connect|sync)|crash(es|ed|ing)?|froze|freez(es|ing)|glitch(es)?|bugg?(ed|y)?|defective|faulty|cass[ée]e?s?|ne (marche|fonctionne|s'allume|démarre|charge) (plus|pas)|plante|bugu?[ée]e?|défectueu(x|se)|bloqu[ée]e?s?)\b/iu,
  ),
  cue(
    'refund',
    'asks for a refund',
    'demande un remboursement',
    /\b(refunds?|refunded|money back|charged (me )?twice|double charged|overcharged|chargeback|rembours\w*|prélevée?s? deux fois|débitée?s? deux fois|rendez-moi mon argent)\b/iu,
  ),
  cue(
    'waiting',
    'waiting for days',
    'attend depuis des jours',
    /\b(since \d+ (days?|weeks?|months?)|for (\d+|two|three|several|many) (days|weeks|months)|\d+ (days|weeks|months) (now|later|ago)|still (waiting|no|not)|depuis (\d+|deux|trois|plusieurs) (jours|semaines|mois)|depuis (hier|une semaine|un mois|ce matin)|toujours pas|toujours rien)\b/iu,
  ),
  cue(
    'urgent',
    'says it is urgent',
    'dit que c’est urgent',
    /\b(urgent(ly)?|asap|emergency|immediately|right now|urgence|au plus vite|immédiatement|vite svp)\b/iu,
  ),
  cue(
    'safety',
    'safety risk',
    'risque pour la sécurité',
    /\b(fire|smoke|burn(ed|t|ing)?|explod\w*|injur\w*|dangerous|danger|caught fire|feu|fumée|brûl\w*|explos\w*|bless[ée]e?s?|dangereu(x|se))\b/iu,
  ),
  cue(
    'security',
    'account security',
    'sécurité du compte',
    /\b(hacked|hack|fraud\w*|scam(med)?|stolen|phishing|compromised|unauthori[sz]ed|pirat[ée]e?|fraude\w*|arnaque\w*|volée?s?|usurpation)\b/iu,
  ),
  cue(
    'churn',
    'may leave',
    'menace de partir',
    /\b(cancel(l?ing)? my (account|subscription|plan|contract)|switch(ing)? to|never (again|buying|ordering)|last time i|lawyer|sue you|résilier|résiliation|la dernière fois que|plus jamais|je vais partir|avocat|plainte)\b/iu,
  ),
  cue(
    'poor-support',
    'unhappy with support',
    'mécontent du service client',
    /\b(customer (service|support|care)|support team|on hold|no (reply|response|answer|one)|nobody|never (replied|answered|responded)|ignor(ed|ing)|(your|the) (agents?|reps?|representatives?|chat ?bot)|service client|conseill[eè]re?s?|injoignable|personne ne (répond|rappelle)|sans réponse|aucune réponse|chatbot)\b/iu,
  ),
];

const CUE_TESTERS = URGENCY_CUES.map((c) => ({ id: c.id, test: wordStartTester(c.pattern.source, c.pattern.flags) }));

/** The ids of every cue the text mentions, in registry order. */
export function detectCues(text: string): string[] {
  const out: string[] = [];
  for (const c of CUE_TESTERS) if (c.test(text)) out.push(c.id);
  return out;
}

export function cueReason(id: string, locale: 'en' | 'fr' = 'en'): string {
  return URGENCY_CUES.find((c) => c.id === id)?.reason[locale] ?? id;
}

/** The top-level alternatives of a cue's pattern, for people to read ("outages?", "en panne"…). */
export function cuePatterns(cue: UrgencyCue): string[] {
  const source = cue.pattern.source.replace(/^\(\?<!\[[^\]]*\]\)/, '').replace(/\(\?!\[[^\]]*\]\)$/, '');
  // The pattern is one outer group: strip it, then split on the bars at depth 0.
  const inner = source.startsWith('(') && source.endsWith(')') ? source.slice(1, -1) : source;
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of inner) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '|' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.filter((p) => p.length > 0);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A workspace's own cue words (priority policy `words`): whole words or phrases, any case. Returns the cue
 * ids whose words the text holds. Built once per policy by the caller; customer text is never a pattern.
 */
export function workspaceCueMatcher(words: Record<string, readonly string[]>): (text: string) => string[] {
  const compiled = Object.entries(words)
    .filter(([, list]) => list.length > 0)
    .map(([id, list]) => ({
      id,
      test: wordStartTester(
        `${NOT_AFTER_WORD}(${list.map((w) => escapeRegExp(w.trim())).join('|')})${NOT_BEFORE_WORD}`,
        'iu',
      ),
    }));
  return (text) => compiled.filter((c) => c.test(text)).map((c) => c.id);
}

/**
 * An information request in so many words ("do you deliver to…", "vous livrez à… ?", "je n'ai pas trouvé
 * l'info"): the customer asks, even when the wording sounds negative. Not an urgency cue (it adds no points);
 * the classifier reads it to keep such a post a question unless it also reports a failure.
 */
const INFORMATION_REQUEST_ALTERNATIVES = [
  // English
  /\b(do|does|will) (you|u|it|they) (deliver|ship|sell|offer|have|accept|support|open|take|do)\b/.source,
  /\b(can|could|may) (i|we) (get|use|order|pay|buy|find|book|bring|change|add)\b/.source,
  /\b(is it|would it be) possible to\b/.source,
  /\b(i'?d|i would|we'?d|we would) like to know\b/.source,
  /\b(i was|i am|i'm|just) wondering\b/.source,
  /\b(can|could) you (tell|let) (me|us)\b/.source,
  /\b(could ?n[o']?t|can'?t|cannot|did ?n[o']?t) find (the |any |this |that )?(info|information|answer|details)\b/
    .source,
  /\bwhere (can|do|could|should) (i|we)\b/.source,
  /\bhow (can|do|could|should) (i|we)\b/.source,
  /\bwhat (are|is) (the|your) (hours|opening hours|price|prices|fees?|policy|delivery)\b/.source,
  // French
  /\b(vous )?livrez(-vous)?\b/.source,
  /\best-ce que (vous|je|on|c'est|c’est|il)\b/.source,
  /\b(savez|pouvez|pourriez)-vous (me|nous) (dire|indiquer|renseigner|confirmer)\b/.source,
  /\b(je voudrais|j['’]aimerais|je souhaite|je souhaiterais) savoir\b/.source,
  /\b(je n['’]ai pas|j['’]ai pas|je ne) trouv[ée]\w* (pas )?(l['’]info\w*|la réponse|de réponse|d['’]info\w*)\b/.source,
  /\bo[uù] (puis-je|peut-on|trouver)\b/.source,
  /\bcomment (faire pour|puis-je|peut-on|fait-on)\b/.source,
  /\b(y a-t-il|est-il possible|c['’]est possible)\b/.source,
  /\bquels? sont (les|vos) (horaires|délais|tarifs|frais|conditions)\b/.source,
];
// Every alternative starts with a letter after "\b": there, "\b" means "not after a letter" (one lookbehind for
// all, which wordStartTester checks by hand); the other "\b"s become either-side lookarounds.
const INFORMATION_REQUEST_SOURCE =
  NOT_AFTER_WORD +
  `(?:${INFORMATION_REQUEST_ALTERNATIVES.map((a) => a.replace(/^\\b/, '')).join('|')})`.replace(
    /\\b/g,
    `(?:${NOT_AFTER_WORD}|${NOT_BEFORE_WORD})`,
  );
const informationRequest = wordStartTester(INFORMATION_REQUEST_SOURCE, 'iu');

export function isInformationRequest(text: string): boolean {
  return informationRequest(text);
}
