/**
 * The search/rule query language of contract §5.1, as recent search and filtered-stream rules share it:
 * space = AND, `OR`, parentheses, leading `-` = NOT, keywords, "exact phrases", `@user`, `#tag`, `$CASH`
 * and `name:value` operators. AND binds tighter than OR, as X documents ("a b OR c" = "(a b) OR c").
 */

export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'keyword'; tokens: string[] }
  | { kind: 'phrase'; tokens: string[] }
  | { kind: 'mention'; username: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'cashtag'; tag: string }
  | { kind: 'operator'; name: string; value: string; position: number };

/** What a post must expose to be matched; the engine builds it (usernames lower-cased). */
export interface MatchSubject {
  text: string;
  lang: string;
  authorId: string;
  authorUsername: string;
  authorVerified: boolean;
  inReplyToUserId?: string | undefined;
  inReplyToUsername?: string | undefined;
  inReplyToTweetId?: string | undefined;
  conversationId: string;
  quoteTweetId?: string | undefined;
  retweetOfId?: string | undefined;
  mentions: string[];
  hashtags: string[];
  cashtags: string[];
  /** Types of the attached media (photo, animated_gif, video). */
  mediaTypes?: string[] | undefined;
  urls: string[];
}

export class QuerySyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    // Same wording as X's invalid-query messages (position is 1-based there).
    super(`There were errors processing your request: ${reason} (at position ${position})`);
    this.name = 'QuerySyntaxError';
  }
}

/** Operators that take a value; the `is:`/`has:` families take a fixed set of values. */
const VALUE_OPERATORS = new Set([
  'from',
  'to',
  'lang',
  'conversation_id',
  'url',
  'in_reply_to_tweet_id',
  'quotes_of_tweet_id',
  'retweets_of_tweet_id',
]);
const IS_VALUES = new Set(['retweet', 'reply', 'quote', 'verified', 'nullcast']);
const HAS_VALUES = new Set(['links', 'mentions', 'media', 'images', 'hashtags', 'cashtags', 'geo', 'video_link']);
/** Cannot stand alone (contract §5.1): a query needs at least one positive term besides these. */
const CONJUNCTION_REQUIRED = new Set(['is', 'has', 'lang']);
const ID_OPERATORS = new Set(['conversation_id', 'in_reply_to_tweet_id', 'quotes_of_tweet_id', 'retweets_of_tweet_id']);

type Token =
  | { t: 'lparen' | 'rparen' | 'or'; pos: number }
  | { t: 'term'; text: string; quoted: boolean; negated: boolean; pos: number }
  | { t: 'neg'; pos: number };

/** Splits into words the way keyword matching compares them: case-insensitive, on punctuation and symbols. */
export function tokenizeText(text: string): string[] {
  return text
    .replace(/https?:\/\/\S+/gi, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean);
}

function lex(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const chars = [...query];
  const at = (k: number): string => chars[k] ?? '';
  while (i < chars.length) {
    const c = at(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (c === '(') {
      out.push({ t: 'lparen', pos });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ t: 'rparen', pos });
      i++;
      continue;
    }
    if (c === '-') {
      const next = at(i + 1);
      if (next === '' || /\s/.test(next) || next === ')') {
        throw new QuerySyntaxError("Operator '-' must be immediately followed by a term or group", pos);
      }
      out.push({ t: 'neg', pos });
      i++;
      continue;
    }
    if (c === '"') {
      const end = chars.indexOf('"', i + 1);
      if (end < 0) throw new QuerySyntaxError('Unterminated quoted phrase', pos);
      const text = chars.slice(i + 1, end).join('');
      if (text.trim() === '') throw new QuerySyntaxError('Empty quoted phrase', pos);
      out.push({ t: 'term', text, quoted: true, negated: false, pos });
      i = end + 1;
      continue;
    }
    // A bare term runs to whitespace or a parenthesis; an operator value may itself be quoted (url:"a b").
    let j = i;
    let text = '';
    while (j < chars.length && !/\s/.test(at(j)) && at(j) !== '(' && at(j) !== ')') {
      if (at(j) === '"' && text.endsWith(':')) {
        const end = chars.indexOf('"', j + 1);
        if (end < 0) throw new QuerySyntaxError('Unterminated quoted phrase', j + 1);
        text += chars.slice(j + 1, end).join('');
        j = end + 1;
        continue;
      }
      text += at(j);
      j++;
    }
    if (text === 'OR') out.push({ t: 'or', pos });
    else out.push({ t: 'term', text, quoted: false, negated: false, pos });
    i = j;
  }
  return out;
}

function termNode(tok: Extract<Token, { t: 'term' }>): QueryNode {
  const { text, pos } = tok;
  if (tok.quoted) return { kind: 'phrase', tokens: tokenizeText(text) };
  if (text.startsWith('@')) {
    const username = text.slice(1);
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) throw new QuerySyntaxError(`Invalid username '${text}'`, pos);
    return { kind: 'mention', username: username.toLowerCase() };
  }
  if (text.startsWith('#') && text.length > 1) return { kind: 'hashtag', tag: text.slice(1).toLowerCase() };
  if (/^\$[A-Za-z]{1,6}(?:_[A-Za-z]{1,2})?$/.test(text)) return { kind: 'cashtag', tag: text.slice(1).toLowerCase() };
  const colon = text.indexOf(':');
  if (colon > 0 && /^[a-z_]+$/.test(text.slice(0, colon))) {
    const name = text.slice(0, colon);
    const value = text.slice(colon + 1);
    if (name === 'is' || name === 'has') {
      const allowed = name === 'is' ? IS_VALUES : HAS_VALUES;
      if (!allowed.has(value)) throw invalidOperator(`${name}:${value}`, pos);
      return { kind: 'operator', name, value, position: pos };
    }
    if (!VALUE_OPERATORS.has(name)) throw invalidOperator(name, pos);
    if (value === '') throw new QuerySyntaxError(`Operator '${name}:' requires a value`, pos);
    if (ID_OPERATORS.has(name) && !/^[0-9]{1,19}$/.test(value)) {
      throw new QuerySyntaxError(`Operator '${name}:' requires a post ID, got '${value}'`, pos);
    }
    if (name === 'lang' && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(value)) {
      throw new QuerySyntaxError(`Invalid language code '${value}'`, pos);
    }
    return { kind: 'operator', name, value, position: pos };
  }
  const tokens = tokenizeText(text);
  // A term made only of punctuation (e.g. "!!") matches nothing X would index.
  if (tokens.length === 0) throw new QuerySyntaxError(`Invalid term '${text}'`, pos);
  return { kind: 'keyword', tokens };
}

function invalidOperator(name: string, pos: number): QuerySyntaxError {
  return new QuerySyntaxError(
    `Reference to invalid operator '${name}'. Operator is not available in current product or product packaging. Please refer to complete available operator list at https://developer.x.com/en/docs/twitter-api/tweets/search/integrate/build-a-query#list.`,
    pos,
  );
}

/** Parses a query; throws QuerySyntaxError for anything X would answer with a 400. */
export function parseQuery(query: string): QueryNode {
  const tokens = lex(query);
  if (tokens.length === 0) throw new QuerySyntaxError('Empty query', 1);
  let i = 0;

  function parseOr(): QueryNode {
    const children = [parseAnd()];
    while (tokens[i]?.t === 'or') {
      const orTok = tokens[i]!;
      i++;
      const next = tokens[i];
      if (!next || next.t === 'rparen' || next.t === 'or') {
        throw new QuerySyntaxError("Operator 'OR' must be followed by a term or group", orTok.pos);
      }
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  function parseAnd(): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      const tok = tokens[i];
      if (!tok || tok.t === 'rparen' || tok.t === 'or') break;
      children.push(parseUnary());
    }
    if (children.length === 0) {
      const tok = tokens[i];
      throw new QuerySyntaxError(
        tok?.t === 'or' ? "Operator 'OR' must be preceded by a term or group" : 'Expected a term or group',
        tok?.pos ?? 1,
      );
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  function parseUnary(): QueryNode {
    const tok = tokens[i]!;
    if (tok.t === 'neg') {
      i++;
      const next = tokens[i];
      if (!next || next.t === 'neg' || next.t === 'or' || next.t === 'rparen') {
        throw new QuerySyntaxError("Operator '-' must be immediately followed by a term or group", tok.pos);
      }
      return { kind: 'not', child: parsePrimary() };
    }
    return parsePrimary();
  }

  function parsePrimary(): QueryNode {
    const tok = tokens[i]!;
    if (tok.t === 'lparen') {
      i++;
      if (tokens[i]?.t === 'rparen') throw new QuerySyntaxError('Empty group', tok.pos);
      const inner = parseOr();
      if (tokens[i]?.t !== 'rparen') throw new QuerySyntaxError('Unbalanced parenthesis: missing )', tok.pos);
      i++;
      return inner;
    }
    if (tok.t === 'term') {
      i++;
      return termNode(tok);
    }
    throw new QuerySyntaxError('Expected a term or group', tok.pos);
  }

  const root = parseOr();
  if (i < tokens.length) {
    const tok = tokens[i]!;
    throw new QuerySyntaxError(
      tok.t === 'rparen' ? 'Unbalanced parenthesis: unexpected )' : 'Unexpected token',
      tok.pos,
    );
  }
  if (!standalonePositive(root)) {
    throw new QuerySyntaxError(
      'Rules must contain at least one positive, non-stopword clause that is not conjunction-required (is:, has:, lang:)',
      1,
    );
  }
  return root;
}

/** True when the node guarantees a positive standalone clause (what X requires of every query/rule). */
function standalonePositive(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.some(standalonePositive);
    case 'or':
      return node.children.every(standalonePositive);
    case 'not':
      return false;
    case 'operator':
      return !CONJUNCTION_REQUIRED.has(node.name);
    default:
      return true;
  }
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** Evaluates a parsed query against a post. `tokens` may be passed pre-computed when matching many nodes. */
export function matchesQuery(node: QueryNode, s: MatchSubject, tokens: string[] = tokenizeText(s.text)): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => matchesQuery(c, s, tokens));
    case 'or':
      return node.children.some((c) => matchesQuery(c, s, tokens));
    case 'not':
      return !matchesQuery(node.child, s, tokens);
    case 'keyword':
    case 'phrase':
      return containsSequence(tokens, node.tokens);
    case 'mention':
      return s.mentions.includes(node.username);
    case 'hashtag':
      return s.hashtags.includes(node.tag);
    case 'cashtag':
      return s.cashtags.includes(node.tag);
    case 'operator':
      return matchOperator(node.name, node.value, s);
  }
}

function sameUser(value: string, id: string | undefined, username: string | undefined): boolean {
  const v = value.replace(/^@/, '').toLowerCase();
  return (id !== undefined && v === id) || (username !== undefined && v === username);
}

function matchOperator(name: string, value: string, s: MatchSubject): boolean {
  switch (name) {
    case 'from':
      return sameUser(value, s.authorId, s.authorUsername);
    case 'to':
      return s.inReplyToUserId !== undefined && sameUser(value, s.inReplyToUserId, s.inReplyToUsername);
    case 'lang':
      return s.lang.toLowerCase() === value.toLowerCase();
    case 'conversation_id':
      return s.conversationId === value;
    case 'in_reply_to_tweet_id':
      return s.inReplyToTweetId === value;
    case 'quotes_of_tweet_id':
      return s.quoteTweetId === value;
    case 'retweets_of_tweet_id':
      return s.retweetOfId === value;
    case 'url': {
      const v = value.toLowerCase();
      return s.urls.some((u) => u.toLowerCase().includes(v));
    }
    case 'is':
      if (value === 'retweet') return s.retweetOfId !== undefined;
      if (value === 'reply') return s.inReplyToTweetId !== undefined;
      if (value === 'quote') return s.quoteTweetId !== undefined;
      if (value === 'verified') return s.authorVerified;
      return false; // nullcast: the sandbox has no promoted-only posts
    case 'has':
      if (value === 'links') return s.urls.length > 0;
      if (value === 'mentions') return s.mentions.length > 0;
      if (value === 'hashtags') return s.hashtags.length > 0;
      if (value === 'cashtags') return s.cashtags.length > 0;
      if (value === 'media') return (s.mediaTypes ?? []).length > 0;
      if (value === 'images') return (s.mediaTypes ?? []).includes('photo');
      return false; // geo, video_link: the sandbox has no places or video links
    default:
      return false;
  }
}
