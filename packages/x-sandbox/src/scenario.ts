import type { SandboxTweet, SandboxUser } from './engine.ts';
import { SandboxError } from './errors.ts';
import type { MediaInput } from './media.ts';
import type { XSandbox } from './sandbox.ts';
import {
  ASKS_FOR_DM,
  CUSTOMER_POOL,
  DM_NOTICE_REPLIES,
  DM_OPENERS,
  DM_ORDER_MESSAGES,
  FOLLOW_UP_REPLIES,
  OPENING_LINES,
  THIRD_PARTY_REPLIES,
  WEEKDAYS,
  type Lang,
  type OpeningKind,
  type SimulatedCustomer,
} from './scenario-lines.ts';
import { LINK_ONLY_LINES, mediaFor, PHOTO_LINES } from './scenario-media.ts';
import { realTimeouts, seededRandom, type TimeoutScheduler } from './scenario-timers.ts';

/** What one simulated action was. Opening kinds start a thread that mentions the brand. */
export type ScenarioEventKind =
  OpeningKind | 'photo' | 'link' | 'follow-up' | 'dm-notice' | 'third-party' | 'dm' | 'dm-order' | 'follow' | 'like';

/** Actions drawn at random when no brand answer is waiting for a follow-up. */
export type ScenarioAction = OpeningKind | 'photo' | 'link' | 'third-party' | 'dm' | 'follow' | 'like';

export const DEFAULT_SCENARIO_WEIGHTS: Readonly<Record<ScenarioAction, number>> = {
  question: 26,
  complaint: 20,
  urgent: 10,
  praise: 10,
  photo: 6,
  link: 3,
  'third-party': 8,
  dm: 6,
  follow: 6,
  like: 4,
};

export interface ScenarioEvent {
  kind: ScenarioEventKind;
  /** Username of the simulated customer who acted. */
  customer: string;
  lang: Lang;
  /** ISO time from the scenario clock. */
  at: string;
  /** The post created (openings, follow-ups, third-party replies, DM notices). */
  tweet?: SandboxTweet;
  /** Text of the DM sent to the brand (dm, dm-order). */
  dmText?: string;
  /** The post liked (like) or answered (follow-up, dm-order, third-party). */
  targetTweetId?: string;
}

export interface ScenarioOptions {
  /** The brand account customers talk to. Until it exists, steps do nothing. */
  brandUsername: string;
  /** Mean number of actions per minute; default 4. */
  postsPerMinute?: number;
  /** Makes runs repeatable (same seed + same clock + same brand answers → same posts). Default: random. */
  seed?: number | string;
  /** Overrides `seed` with a random source of your own. */
  random?: () => number;
  /** Default: real timers (unref'd). Tests pass `createManualScheduler()`. */
  scheduler?: TimeoutScheduler;
  /** Stamps events and phrases "{day}"; posts themselves are stamped by the sandbox's own clock. */
  clock?: () => Date;
  /** How many customers of the built-in pool take part (picked by the seed), or your own list. Default: all 40. */
  customers?: number | readonly SimulatedCustomer[];
  /** Keep only customers writing in these languages. Default: French and English. */
  languages?: readonly Lang[];
  /** Relative weights of the drawn actions; a weight of 0 turns an action off. */
  weights?: Partial<Record<ScenarioAction, number>>;
  /** Chance (0–1) that a waiting brand answer gets the customer's reaction rather than a new action; default 0.7. */
  followUpRate?: number;
  /** Exactly 60/postsPerMinute seconds between actions instead of random (Poisson) arrivals. */
  regularArrivals?: boolean;
  /** Stops by itself after this many steps. */
  maxSteps?: number;
  onEvent?: (event: ScenarioEvent) => void;
  onError?: (error: unknown) => void;
}

export interface Scenario {
  /** Runs one step now (as the timer would); returns what happened (empty when the brand does not exist yet). */
  step(): ScenarioEvent[];
  stop(): void;
  readonly stopped: boolean;
  /** Steps run so far. */
  readonly steps: number;
  /** Events by kind so far. */
  readonly counts: Readonly<Partial<Record<ScenarioEventKind, number>>>;
  /** The sandbox accounts of the participating customers. */
  readonly customers: readonly SandboxUser[];
}

interface Participant {
  profile: SimulatedCustomer;
  user: SandboxUser;
  order: string;
}

const isDuplicate = (err: unknown): boolean =>
  err instanceof SandboxError && err.status === 403 && /duplicate/i.test(String(err.body.detail));

/**
 * Starts simulated customers talking to the brand: mentions (questions, complaints, urgent ones, praise),
 * follow-ups to the brand's answers (threads), DMs with an order number when the brand asks for one,
 * strangers joining a thread, follows and likes. Customers are created in the sandbox at once.
 */
export function startScenario(sandbox: XSandbox, options: ScenarioOptions): Scenario {
  const random = options.random ?? seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const scheduler = options.scheduler ?? realTimeouts;
  const clock = options.clock ?? (() => new Date());
  const rate = options.postsPerMinute ?? 4;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('postsPerMinute must be a positive number');
  const meanMs = 60_000 / rate;
  const followUpRate = options.followUpRate ?? 0.7;
  const weights = { ...DEFAULT_SCENARIO_WEIGHTS, ...options.weights };

  const pick = <T>(items: readonly T[]): T => items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
  const chance = (p: number): boolean => random() < p;

  const participants = choosePool(options, random).map((profile): Participant => {
    const { user } = sandbox.ensureUser({
      username: profile.username,
      name: profile.name,
      description: profile.description,
      followersCount: profile.followersCount,
      verified: profile.verified ?? false,
    });
    return { profile, user, order: newOrder(random) };
  });
  if (participants.length === 0) throw new RangeError('the scenario has no customer (check customers/languages)');
  const byId = new Map(participants.map((p) => [p.user.id, p]));

  /** Brand answers the scenario has already reacted to (publicly or by DM), so it never reacts twice. */
  const handled = new Set<string>();
  const following = new Set<string>();
  const liked = new Set<string>();
  const counts: Partial<Record<ScenarioEventKind, number>> = {};
  let steps = 0;
  let stopped = false;
  let handle: unknown;

  function fill(text: string, who: Participant): string {
    return text
      .replaceAll('{order}', who.order)
      .replaceAll('{n}', String(2 + Math.floor(random() * 9)))
      .replaceAll('{day}', recentWeekday(who.profile.lang));
  }

  function recentWeekday(lang: Lang): string {
    const daysAgo = 1 + Math.floor(random() * 3);
    const weekday = (clock().getUTCDay() + 7 - daysAgo) % 7; // 0 = Sunday
    return WEEKDAYS[lang][(weekday + 6) % 7]!;
  }

  function event(kind: ScenarioEventKind, who: Participant, extra: Partial<ScenarioEvent> = {}): ScenarioEvent {
    counts[kind] = (counts[kind] ?? 0) + 1;
    const e: ScenarioEvent = { kind, customer: who.user.username, lang: who.profile.lang, at: clock().toISOString() };
    return { ...e, ...extra };
  }

  /** Posts one of `lines` (retrying other lines when X would call it a duplicate); undefined if all were. */
  function postLine(
    who: Participant,
    lines: readonly string[],
    shape: (text: string) => { text: string; inReplyToTweetId?: string; media?: MediaInput[] },
  ): SandboxTweet | undefined {
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        return sandbox.post(who.user.id, shape(fill(pick(lines), who)));
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        if (attempt === 2) who.order = newOrder(random);
      }
    }
    return undefined;
  }

  function sendDm(who: Participant, brand: SandboxUser, lines: readonly string[]): string | undefined {
    const text = fill(pick(lines), who);
    try {
      sandbox.sendDm(who.user.id, brand.id, text);
    } catch (err) {
      // The brand may not accept DMs from this customer: the caller falls back to a public post.
      if (err instanceof SandboxError) return undefined;
      throw err;
    }
    return text;
  }

  /** Brand replies addressed to a participant that nobody has reacted to yet, oldest first. */
  function waitingAnswers(brand: SandboxUser, all: readonly SandboxTweet[]): SandboxTweet[] {
    // Who answered what, in one pass: "<parent id> <author id>".
    const replied = new Set<string>();
    for (const t of all) if (t.inReplyToTweetId !== undefined) replied.add(`${t.inReplyToTweetId} ${t.authorId}`);
    const out: SandboxTweet[] = [];
    for (const t of all) {
      if (t.authorId !== brand.id || t.inReplyToUserId === undefined) continue;
      if (!byId.has(t.inReplyToUserId) || handled.has(t.id)) continue;
      if (replied.has(`${t.id} ${t.inReplyToUserId}`)) handled.add(t.id);
      else out.push(t);
    }
    return out.reverse();
  }

  function react(brand: SandboxUser, answer: SandboxTweet): ScenarioEvent[] {
    handled.add(answer.id);
    const who = byId.get(answer.inReplyToUserId!)!;
    const lang = who.profile.lang;
    const dmText = ASKS_FOR_DM.test(answer.text) ? sendDm(who, brand, DM_ORDER_MESSAGES[lang]) : undefined;
    if (dmText !== undefined) {
      const out = [event('dm-order', who, { dmText, targetTweetId: answer.id })];
      if (chance(0.5)) {
        const tweet = postLine(who, DM_NOTICE_REPLIES[lang], (text) => ({ text, inReplyToTweetId: answer.id }));
        if (tweet) out.push(event('dm-notice', who, { tweet, targetTweetId: answer.id }));
      }
      return out;
    }
    const tweet = postLine(who, FOLLOW_UP_REPLIES[lang], (text) => ({ text, inReplyToTweetId: answer.id }));
    return tweet ? [event('follow-up', who, { tweet, targetTweetId: answer.id })] : [];
  }

  function open(brand: SandboxUser, kind: OpeningKind): ScenarioEvent[] {
    const who = pick(participants);
    const lines = OPENING_LINES[kind][who.profile.lang];
    // Most people put the handle first; some end with it.
    const tweet = postLine(who, lines, (body) => ({
      text: chance(0.75) ? `@${brand.username} ${body}` : `${body} @${brand.username}`,
    }));
    return tweet ? [event(kind, who, { tweet })] : [];
  }

  /** A photo (or GIF, or video) of the problem, with a few words or none; or a link alone. */
  function show(brand: SandboxUser, kind: 'photo' | 'link'): ScenarioEvent[] {
    const who = pick(participants);
    const lang = who.profile.lang;
    if (kind === 'link') {
      const tweet = postLine(who, LINK_ONLY_LINES[lang], (body) => ({ text: `@${brand.username} ${body}` }));
      return tweet ? [event('link', who, { tweet })] : [];
    }
    const line = pick(PHOTO_LINES);
    const media = mediaFor(line, lang, random());
    const caption = line.caption[lang];
    const tweet = postLine(who, [caption], (body) => ({
      text: body ? `@${brand.username} ${body}` : `@${brand.username}`,
      media,
    }));
    return tweet ? [event('photo', who, { tweet })] : [];
  }

  /** Someone else answers a recent customer post that mentions the brand. */
  function thirdParty(brand: SandboxUser, all: readonly SandboxTweet[]): ScenarioEvent[] | undefined {
    const recent = all
      .slice(0, 50)
      .filter(
        (t) =>
          byId.has(t.authorId) &&
          t.inReplyToTweetId === undefined &&
          t.entities.mentions.some((m) => m.id === brand.id),
      );
    if (recent.length === 0) return undefined;
    const target = pick(recent);
    const author = byId.get(target.authorId)!;
    const sameLang = participants.filter((p) => p.user.id !== author.user.id && p.profile.lang === author.profile.lang);
    const others = sameLang.length ? sameLang : participants.filter((p) => p.user.id !== author.user.id);
    if (others.length === 0) return undefined;
    const who = pick(others);
    const tweet = postLine(who, THIRD_PARTY_REPLIES[who.profile.lang], (body) => ({
      text: `@${brand.username} ${body}`,
      inReplyToTweetId: target.id,
    }));
    return tweet ? [event('third-party', who, { tweet, targetTweetId: target.id })] : [];
  }

  function follow(brand: SandboxUser): ScenarioEvent[] | undefined {
    const candidates = participants.filter((p) => !following.has(p.user.id));
    if (candidates.length === 0) return undefined;
    const who = pick(candidates);
    following.add(who.user.id);
    if (!attempt(() => sandbox.follow(who.user.id, brand.id))) return undefined;
    return [event('follow', who)];
  }

  function like(brand: SandboxUser, all: readonly SandboxTweet[]): ScenarioEvent[] | undefined {
    const answers = all.filter(
      (t) =>
        t.authorId === brand.id && t.inReplyToUserId !== undefined && byId.has(t.inReplyToUserId) && !liked.has(t.id),
    );
    if (answers.length === 0) return undefined;
    const target = pick(answers.slice(0, 20));
    liked.add(target.id);
    const who = byId.get(target.inReplyToUserId!)!;
    if (!attempt(() => sandbox.like(who.user.id, target.id))) return undefined;
    return [event('like', who, { targetTweetId: target.id })];
  }

  function dmOpener(brand: SandboxUser): ScenarioEvent[] | undefined {
    const who = pick(participants);
    const dmText = sendDm(who, brand, DM_OPENERS[who.profile.lang]);
    return dmText === undefined ? undefined : [event('dm', who, { dmText })];
  }

  function drawAction(): ScenarioAction {
    const entries = (Object.entries(weights) as [ScenarioAction, number][]).filter(([, w]) => w > 0);
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    if (total <= 0) return 'question';
    let r = random() * total;
    for (const [action, w] of entries) {
      r -= w;
      if (r < 0) return action;
    }
    return entries[entries.length - 1]![0];
  }

  function step(): ScenarioEvent[] {
    steps++;
    const brand = sandbox.findUser(options.brandUsername);
    if (!brand) return [];
    let events: ScenarioEvent[] | undefined;
    // One snapshot per step (newest first): the facade clones on every listing.
    const all = sandbox.listTweets();
    const waiting = waitingAnswers(brand, all);
    if (waiting.length > 0 && chance(followUpRate)) {
      // The oldest few answers are the likeliest to get a reaction, as people come back to their phone.
      events = react(brand, pick(waiting.slice(0, 3)));
    } else {
      const action = drawAction();
      if (action === 'third-party') events = thirdParty(brand, all);
      else if (action === 'dm') events = dmOpener(brand);
      else if (action === 'follow') events = follow(brand);
      else if (action === 'like') events = like(brand, all);
      else if (action === 'photo' || action === 'link') events = show(brand, action);
      else events = open(brand, action);
      // Nothing to do for that action yet (no thread, everyone follows already…): open a thread instead.
      events ??= open(brand, chance(0.5) ? 'question' : 'complaint');
    }
    for (const e of events) options.onEvent?.(e);
    return events;
  }

  function nextDelay(): number {
    if (options.regularArrivals) return meanMs;
    const exponential = -Math.log(1 - random()) * meanMs;
    return Math.min(meanMs * 4, Math.max(meanMs * 0.1, exponential));
  }

  function schedule(): void {
    if (stopped) return;
    handle = scheduler.setTimeout(() => {
      handle = undefined;
      if (stopped) return;
      try {
        step();
      } catch (err) {
        options.onError?.(err);
      }
      if (options.maxSteps !== undefined && steps >= options.maxSteps) stopped = true;
      schedule();
    }, nextDelay());
  }
  schedule();

  return {
    step,
    stop() {
      stopped = true;
      if (handle !== undefined) scheduler.clearTimeout(handle);
      handle = undefined;
    },
    get stopped() {
      return stopped;
    },
    get steps() {
      return steps;
    },
    counts,
    customers: participants.map((p) => p.user),
  };
}

/** Runs a social action; false when the sandbox refused it or it changed nothing (already following…). */
function attempt(action: () => unknown): boolean {
  try {
    return action() !== false;
  } catch (err) {
    if (err instanceof SandboxError) return false;
    throw err;
  }
}

function newOrder(random: () => number): string {
  return `#${100000 + Math.floor(random() * 900000)}`;
}

function choosePool(options: ScenarioOptions, random: () => number): SimulatedCustomer[] {
  const languages = options.languages ?? ['fr', 'en'];
  if (Array.isArray(options.customers)) {
    return (options.customers as readonly SimulatedCustomer[]).filter((c) => languages.includes(c.lang));
  }
  const pool = CUSTOMER_POOL.filter((c) => languages.includes(c.lang));
  const wanted = typeof options.customers === 'number' ? Math.max(1, Math.floor(options.customers)) : pool.length;
  if (wanted >= pool.length) return [...pool];
  // Seeded Fisher–Yates, so the same seed picks the same people.
  const shuffled = [...pool];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled.slice(0, wanted);
}
