import { readFileSync } from 'node:fs';
import type { SandboxTweet } from './engine.ts';
import { SandboxError } from './errors.ts';
import type { XSandbox } from './sandbox.ts';
import { parseCsvRecords } from './replay-csv.ts';
import { realTimeouts, type TimeoutScheduler } from './scenario-timers.ts';
import { MAX_WEIGHTED_LENGTH, weightedLength } from './text.ts';

/**
 * Replays a CSV in the "Customer Support on Twitter" (TWCS) layout into the sandbox: columns tweet_id,
 * author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id (an extra leading index
 * column and float ids such as "3.0", as in pandas exports, are accepted). TWCS is CC BY-NC-SA: read it from
 * shared data at run time, never copy it into the repository.
 */
export interface TwcsRow {
  tweetId: string;
  authorId: string;
  inbound: boolean;
  /** ms since the epoch. */
  createdAt: number;
  text: string;
  inResponseTo?: string;
}

export interface ReplayOptions {
  /** The CSV itself; or give `file`. */
  csv?: string;
  /** Path of the CSV to read. */
  file?: string;
  /** The brand of the file that stands for "us" (e.g. AppleSupport); default: the brand with the most posts. */
  ourBrand?: string;
  /** Sandbox account our brand's posts and mentions are mapped to; default: the `ourBrand` handle itself. */
  brandUsername?: string;
  /** Time compression: 60 plays an hour of history in a minute. Default 60. */
  speed?: number;
  /** Play at most this many posts (the earliest ones). */
  limit?: number;
  /** Cap on the real wait between two consecutive posts, so days without traffic do not stall a demo. Default 30 s. */
  maxGapMs?: number;
  /** Only threads in which our brand posts. Default false (every brand's threads play). */
  onlyOurThreads?: boolean;
  /** Post our brand's original answers (default true); false leaves answering to the desk. */
  ourReplies?: boolean;
  scheduler?: TimeoutScheduler;
  onPost?: (tweet: SandboxTweet, row: TwcsRow) => void;
  onError?: (error: unknown, row: TwcsRow) => void;
}

export type ReplaySkipReason = 'duplicate' | 'rejected' | 'our-reply-withheld' | 'error';

export interface ReplayProgress {
  /** Posts scheduled (after filters and limit). */
  total: number;
  posted: number;
  skipped: number;
  done: boolean;
  skippedBy: Partial<Record<ReplaySkipReason, number>>;
  /** Replies posted as new threads because their parent is not in the file or was not played. */
  orphans: number;
}

export interface Replay {
  /** The brand handle of the file that plays "us", and the sandbox account that stands for it. */
  readonly ourBrand: string;
  readonly brandUsername: string;
  progress(): ReplayProgress;
  /** Resolves once every post was played or the replay was stopped. */
  readonly finished: Promise<ReplayProgress>;
  /** Sandbox post id for a tweet_id of the file, once played. */
  sandboxId(csvTweetId: string): string | undefined;
  stop(): void;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** "Tue Oct 31 22:10:47 +0000 2017" (X's v1.1 created_at) or anything Date.parse reads. */
export function parseTwcsDate(value: string): number {
  const m = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(value.trim());
  if (m) {
    const month = MONTHS[m[1]!];
    if (month !== undefined) {
      const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60_000;
      return Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset;
    }
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SyntaxError(`unreadable created_at: ${value}`);
  return ms;
}

/** "3.0" → "3" (pandas writes ids as floats when a column has blanks). */
function cleanId(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (v === '') return undefined;
  const m = /^(\d+)(?:\.0+)?$/.exec(v);
  return m ? m[1] : v;
}

export function parseTwcs(csv: string): TwcsRow[] {
  const out: TwcsRow[] = [];
  for (const r of parseCsvRecords(csv)) {
    const tweetId = cleanId(r.tweet_id);
    const authorId = (r.author_id ?? '').trim();
    if (!tweetId || !authorId || r.created_at === undefined) continue;
    const inResponseTo = cleanId(r.in_response_to_tweet_id);
    out.push({
      tweetId,
      authorId,
      inbound: (r.inbound ?? '').trim().toLowerCase() === 'true',
      createdAt: parseTwcsDate(r.created_at),
      text: r.text ?? '',
      ...(inResponseTo ? { inResponseTo } : {}),
    });
  }
  return out;
}

/** The brand (non-inbound author) with the most posts; ties go to the first seen. */
export function mostFrequentBrand(rows: readonly TwcsRow[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of rows) if (!r.inbound) counts.set(r.authorId, (counts.get(r.authorId) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [brand, n] of counts) {
    if (n > bestCount) [best, bestCount] = [brand, n];
  }
  return best;
}

/** Anonymised customers of the file (numeric author ids) become `cust_<id>`. */
export function customerHandle(authorId: string): string {
  return /^\d{1,10}$/.test(authorId) ? `cust_${authorId}` : brandHandle(authorId);
}

function brandHandle(authorId: string): string {
  return authorId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 15) || 'brand';
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function fitLength(text: string): string {
  if (weightedLength(text) <= MAX_WEIGHTED_LENGTH) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (weightedLength(chars.slice(0, mid).join('') + '…') <= MAX_WEIGHTED_LENGTH) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('').trimEnd() + '…';
}

export function startReplay(sandbox: XSandbox, options: ReplayOptions): Replay {
  const csv = options.csv ?? (options.file !== undefined ? readFileSync(options.file, 'utf8') : undefined);
  if (csv === undefined) throw new TypeError('startReplay needs `csv` or `file`');
  const speed = options.speed ?? 60;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be a positive number');
  const maxGapMs = options.maxGapMs ?? 30_000;
  const scheduler = options.scheduler ?? realTimeouts;
  const rows = parseTwcs(csv);
  // The file's own spelling of the handle, whatever case the caller used.
  const asked = options.ourBrand?.toLowerCase();
  const ourBrand =
    (asked !== undefined ? rows.find((r) => !r.inbound && r.authorId.toLowerCase() === asked)?.authorId : undefined) ??
    options.ourBrand ??
    mostFrequentBrand(rows) ??
    'brand';
  const ourKey = ourBrand.toLowerCase();
  const brandUsername = options.brandUsername ?? brandHandle(ourBrand);
  const isOurs = (authorId: string): boolean => authorId.toLowerCase() === ourKey;
  const handleOf = (authorId: string, inbound: boolean): string =>
    isOurs(authorId) ? brandUsername : inbound ? customerHandle(authorId) : brandHandle(authorId);

  const byId = new Map(rows.map((r) => [r.tweetId, r]));
  const brands = new Set(rows.filter((r) => !r.inbound).map((r) => r.authorId.toLowerCase()));

  // A reply is played after its parent even if the export dates it earlier (clock skew between servers).
  const effective = new Map<string, number>();
  function effectiveTime(row: TwcsRow, depth = 0): number {
    const known = effective.get(row.tweetId);
    if (known !== undefined) return known;
    const parent = row.inResponseTo !== undefined ? byId.get(row.inResponseTo) : undefined;
    const t = parent && depth < 500 ? Math.max(row.createdAt, effectiveTime(parent, depth + 1)) : row.createdAt;
    effective.set(row.tweetId, t);
    return t;
  }
  function rootOf(row: TwcsRow): string {
    let r = row;
    for (let depth = 0; depth < 500 && r.inResponseTo !== undefined; depth++) {
      const parent = byId.get(r.inResponseTo);
      if (!parent) break;
      r = parent;
    }
    return r.tweetId;
  }

  let playable = rows;
  if (options.onlyOurThreads) {
    const ourRoots = new Set(rows.filter((r) => isOurs(r.authorId)).map(rootOf));
    playable = rows.filter((r) => ourRoots.has(rootOf(r)));
  }
  const numeric = (id: string): bigint => (/^\d+$/.test(id) ? BigInt(id) : 0n);
  const ordered = [...playable].sort((a, b) => {
    const d = effectiveTime(a) - effectiveTime(b);
    if (d !== 0) return d;
    const x = numeric(a.tweetId);
    const y = numeric(b.tweetId);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const queue = options.limit !== undefined ? ordered.slice(0, Math.max(0, options.limit)) : ordered;

  // Real-time offset of each post from the replay start.
  const offsets: number[] = [];
  let offset = 0;
  queue.forEach((row, i) => {
    if (i > 0) offset += Math.min(maxGapMs, (effectiveTime(row) - effectiveTime(queue[i - 1]!)) / speed);
    offsets.push(offset);
  });

  const played = new Map<string, string>();
  const progress: ReplayProgress = {
    total: queue.length,
    posted: 0,
    skipped: 0,
    done: false,
    skippedBy: {},
    orphans: 0,
  };
  const skip = (reason: ReplaySkipReason): void => {
    progress.skipped++;
    progress.skippedBy[reason] = (progress.skippedBy[reason] ?? 0) + 1;
  };

  function rewriteMentions(text: string): string {
    return text.replace(/(^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{1,20})/g, (whole, before: string, name: string) => {
      if (/^\d{1,10}$/.test(name)) return `${before}@${customerHandle(name)}`;
      if (name.toLowerCase() === ourKey) return `${before}@${brandUsername}`;
      if (brands.has(name.toLowerCase())) return `${before}@${brandHandle(name)}`;
      return whole;
    });
  }

  function accountFor(row: TwcsRow): string {
    const username = handleOf(row.authorId, row.inbound);
    const brand = !row.inbound;
    const h = hash(row.authorId);
    return sandbox.ensureUser({
      username,
      name: brand ? (isOurs(row.authorId) ? ourBrand : row.authorId).slice(0, 50) : `Customer ${row.authorId}`,
      description: brand ? 'Customer care account (replayed)' : 'Replayed customer (anonymised)',
      followersCount: brand ? 50_000 + (h % 2_000_000) : h % 3_000,
      verified: brand,
    }).user.id;
  }

  /** The nearest ancestor of the row that was played in the sandbox. */
  function playedAncestor(row: TwcsRow): string | undefined {
    let id = row.inResponseTo;
    for (let depth = 0; depth < 500 && id !== undefined; depth++) {
      const sandboxId = played.get(id);
      if (sandboxId) return sandboxId;
      id = byId.get(id)?.inResponseTo;
    }
    return undefined;
  }

  function play(row: TwcsRow): void {
    if (options.ourReplies === false && isOurs(row.authorId)) return skip('our-reply-withheld');
    try {
      const authorId = accounts.get(row.authorId) ?? accountFor(row);
      const parent = playedAncestor(row);
      if (row.inResponseTo !== undefined && parent === undefined) progress.orphans++;
      const text = fitLength(rewriteMentions(row.text).normalize('NFC'));
      const tweet = sandbox.post(authorId, { text, ...(parent ? { inReplyToTweetId: parent } : {}) });
      played.set(row.tweetId, tweet.id);
      progress.posted++;
      options.onPost?.(tweet, row);
    } catch (err) {
      if (err instanceof SandboxError) skip(/duplicate/i.test(String(err.body.detail)) ? 'duplicate' : 'rejected');
      else {
        skip('error');
        options.onError?.(err, row);
      }
    }
  }

  // Every account exists before the first post, as on X, so mentions resolve whatever the order of play.
  const accounts = new Map<string, string>();
  for (const row of queue) if (!accounts.has(row.authorId)) accounts.set(row.authorId, accountFor(row));

  let next = 0;
  let handle: unknown;
  let resolveFinished!: (p: ReplayProgress) => void;
  const finished = new Promise<ReplayProgress>((resolve) => (resolveFinished = resolve));
  const snapshot = (): ReplayProgress => ({ ...progress, skippedBy: { ...progress.skippedBy } });
  function finish(): void {
    if (progress.done) return;
    progress.done = true;
    if (handle !== undefined) scheduler.clearTimeout(handle);
    handle = undefined;
    resolveFinished(snapshot());
  }

  let elapsed = 0;
  function tick(): void {
    handle = undefined;
    const due = offsets[next];
    if (due !== undefined) elapsed = due;
    while (next < queue.length && offsets[next]! <= elapsed) play(queue[next++]!);
    if (next >= queue.length) return finish();
    handle = scheduler.setTimeout(tick, offsets[next]! - elapsed);
  }
  if (queue.length === 0) finish();
  else handle = scheduler.setTimeout(tick, 0);

  return {
    ourBrand,
    brandUsername,
    progress: snapshot,
    finished,
    sandboxId: (csvTweetId) => played.get(csvTweetId),
    stop: finish,
  };
}
