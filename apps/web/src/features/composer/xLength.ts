import twitterText from 'twitter-text';

/** X's limits: a post weighs at most 280 (URLs count 23, CJK and emoji 2); a direct message 10,000 characters. */
export const publicLimit = 280;
export const directLimit = 10_000;

/** The length X counts for a public post. */
export function publicLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** The length that counts for a reply of this visibility. */
export function replyLength(text: string, visibility: 'public' | 'direct'): number {
  return visibility === 'direct' ? [...text].length : publicLength(text);
}

export function replyLimit(visibility: 'public' | 'direct'): number {
  return visibility === 'direct' ? directLimit : publicLimit;
}

const fits = (text: string, limit: number) => publicLength(text) <= limit;

/** Cuts one over-long word into pieces that fit, by code points so emoji are never broken in half. */
function cutWord(word: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const char of word) {
    if (current && !fits(current + char, limit)) {
      pieces.push(current);
      current = '';
    }
    current += char;
  }
  if (current) pieces.push(current);
  return pieces;
}

function splitFor(text: string, total: number, limit: number): string[] {
  const words = text.split(/(\s+)/).filter((part) => part !== '');
  const posts: string[] = [];
  let current = '';
  const suffix = (index: number) => ` ${index}/${total}`;
  const push = () => {
    if (current.trim()) posts.push(current.trim());
    current = '';
  };
  for (const word of words) {
    const index = posts.length + 1;
    if (/^\s+$/.test(word)) {
      if (current) current += word.includes('\n') ? '\n' : ' ';
      continue;
    }
    if (fits(current + word + suffix(index), limit)) {
      current += word;
      continue;
    }
    push();
    const room = limit - publicLength(suffix(posts.length + 1));
    if (fits(word, room)) {
      current = word;
      continue;
    }
    const pieces = cutWord(word, room);
    for (const piece of pieces.slice(0, -1)) posts.push(piece);
    current = pieces.at(-1) ?? '';
  }
  push();
  return posts.map((post, index) => `${post}${suffix(index + 1)}`);
}

/**
 * Splits a public reply into a numbered thread ("… 1/3") where each post fits X's limit, breaking between
 * words where it can. A reply that fits is returned as is, unnumbered.
 */
export function splitIntoThread(text: string, limit = publicLimit): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (fits(trimmed, limit)) return [trimmed];
  // The numbering's width depends on the number of posts: retry until the count is stable.
  let total = 2;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const posts = splitFor(trimmed, total, limit);
    if (posts.length === total) return posts;
    total = posts.length;
  }
  return splitFor(trimmed, total, limit);
}
