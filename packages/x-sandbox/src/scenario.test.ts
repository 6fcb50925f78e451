import { describe, expect, it } from 'vitest';
import {
  createManualScheduler,
  createXSandbox,
  CUSTOMER_POOL,
  startScenario,
  type ScenarioEvent,
  type ScenarioEventKind,
  type XSandbox,
} from './index.ts';
import {
  DM_NOTICE_REPLIES,
  DM_OPENERS,
  DM_ORDER_MESSAGES,
  FOLLOW_UP_REPLIES,
  OPENING_LINES,
  THIRD_PARTY_REPLIES,
} from './scenario-lines.ts';
import { guessLang } from './text.ts';

const BRAND = 'acme_support';

/** A brand agent for tests: answers every new mention, asking for the order number one time in three. */
function answerMentions(sb: XSandbox, answered: Set<string>): void {
  const brand = sb.findUser(BRAND)!;
  let n = 0;
  for (const t of sb.listTweets()) {
    if (answered.has(t.id)) break; // newest first: everything older was seen already
    answered.add(t.id);
    if (t.authorId === brand.id) continue;
    if (!t.entities.mentions.some((m) => m.id === brand.id)) continue;
    n++;
    const text =
      n % 3 === 0
        ? `Pouvez-vous nous envoyer votre numéro de commande en DM ? (${t.id})`
        : `Merci pour votre message, nous regardons cela. (${t.id})`;
    sb.post(brand.id, { text, inReplyToTweetId: t.id });
  }
}

function run(seed: number | string, steps: number, answer = true) {
  const timer = createManualScheduler();
  const sb = createXSandbox({ clock: () => timer.clock() });
  sb.createUser({ username: BRAND, name: 'Acme Support', verified: true });
  const events: ScenarioEvent[] = [];
  const answered = new Set<string>();
  const scenario = startScenario(sb, {
    brandUsername: BRAND,
    postsPerMinute: 30,
    seed,
    scheduler: timer,
    clock: () => timer.clock(),
    onEvent: (e) => events.push(e),
    onError: (e) => {
      throw e;
    },
  });
  for (let i = 0; i < steps; i++) {
    timer.advance(2_000);
    if (answer) answerMentions(sb, answered);
  }
  scenario.stop();
  return { sb, events, scenario, timer };
}

describe('scenario lines', () => {
  it('has at least 80 hand-written lines, each in the language the sandbox detects', () => {
    const groups = [
      ...Object.values(OPENING_LINES),
      FOLLOW_UP_REPLIES,
      DM_NOTICE_REPLIES,
      DM_ORDER_MESSAGES,
      DM_OPENERS,
      THIRD_PARTY_REPLIES,
    ];
    let total = 0;
    for (const group of groups) {
      for (const lang of ['fr', 'en'] as const) {
        for (const line of group[lang]) {
          total++;
          expect([line, guessLang(line)]).toEqual([line, lang]);
        }
      }
    }
    expect(total).toBeGreaterThanOrEqual(80);
    const urgent = [...OPENING_LINES.urgent.fr, ...OPENING_LINES.urgent.en].join(' ');
    for (const word of ['panne', 'depuis 3 jours', 'remboursement', 'outage', 'broken', 'refund'])
      expect(urgent.toLowerCase()).toContain(word);
  });

  it('has a varied pool of valid, distinct customers', () => {
    expect(CUSTOMER_POOL.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CUSTOMER_POOL.map((c) => c.username.toLowerCase())).size).toBe(CUSTOMER_POOL.length);
    for (const c of CUSTOMER_POOL) expect(c.username).toMatch(/^[A-Za-z0-9_]{1,15}$/);
    expect(CUSTOMER_POOL.filter((c) => c.verified).length).toBeGreaterThanOrEqual(3);
    expect(new Set(CUSTOMER_POOL.map((c) => c.lang))).toEqual(new Set(['fr', 'en']));
    const followers = CUSTOMER_POOL.map((c) => c.followersCount);
    expect(Math.min(...followers)).toBeLessThan(50);
    expect(Math.max(...followers)).toBeGreaterThan(50_000);
  });
});

describe('startScenario', () => {
  it('is reproducible with a seed', () => {
    const a = run(42, 60);
    const b = run(42, 60);
    const c = run(43, 60);
    const shape = (events: ScenarioEvent[]) =>
      events.map((e) => [e.kind, e.customer, e.tweet?.text ?? e.dmText ?? '', e.at]);
    expect(shape(a.events)).toEqual(shape(b.events));
    expect(shape(a.events)).not.toEqual(shape(c.events));
    expect(a.sb.listTweets().map((t) => t.text)).toEqual(b.sb.listTweets().map((t) => t.text));
  });

  it('reaches every kind of action, in French and English, with threads', () => {
    const { sb, events, scenario } = run('every-kind', 400);
    const kinds = new Set(events.map((e) => e.kind));
    const expected: ScenarioEventKind[] = [
      'question',
      'complaint',
      'urgent',
      'praise',
      'photo',
      'link',
      'follow-up',
      'third-party',
      'dm',
      'dm-order',
      'dm-notice',
      'follow',
      'like',
    ];
    for (const k of expected) expect(kinds, k).toContain(k);
    expect(new Set(events.map((e) => e.lang))).toEqual(new Set(['fr', 'en']));
    expect(scenario.counts.question).toBe(events.filter((e) => e.kind === 'question').length);

    const brand = sb.findUser(BRAND)!;
    for (const e of events.filter((x) => x.tweet)) {
      const t = e.tweet!;
      expect(t.text).not.toMatch(/\{(order|n|day)\}/);
      // Everything customers post lands in the brand's mentions.
      expect(t.entities.mentions.some((m) => m.id === brand.id)).toBe(true);
    }
    // A follow-up continues the conversation the customer opened and the brand answered.
    const followUp = events.find((e) => e.kind === 'follow-up')!.tweet!;
    const answer = sb.getTweet(followUp.inReplyToTweetId!)!;
    expect(answer.authorId).toBe(brand.id);
    expect(sb.getTweet(followUp.conversationId)!.authorId).toBe(followUp.authorId);
    // A third party answers someone else's thread.
    const third = events.find((e) => e.kind === 'third-party')!.tweet!;
    expect(sb.getTweet(third.inReplyToTweetId!)!.authorId).not.toBe(third.authorId);
  });

  it('posts at the configured rate on average and stops cleanly', () => {
    const timer = createManualScheduler();
    const sb = createXSandbox({ clock: () => timer.clock() });
    sb.createUser({ username: BRAND, name: 'Acme Support' });
    const scenario = startScenario(sb, {
      brandUsername: BRAND,
      postsPerMinute: 12,
      seed: 1,
      scheduler: timer,
      weights: { 'third-party': 0, dm: 0, follow: 0, like: 0 },
    });
    timer.advance(60 * 60_000);
    // 12 per minute over an hour ≈ 720; Poisson arrivals with clamping stay well within ±20 %.
    expect(scenario.steps).toBeGreaterThan(576);
    expect(scenario.steps).toBeLessThan(864);
    expect(sb.listTweets().length).toBe(scenario.steps);
    scenario.stop();
    expect(timer.pending()).toBe(0);
    timer.advance(60_000);
    expect(sb.listTweets().length).toBe(scenario.steps);
  });

  it('uses fixed intervals with regularArrivals, honours maxSteps and waits for the brand', () => {
    const timer = createManualScheduler();
    const sb = createXSandbox({ clock: () => timer.clock() });
    const scenario = startScenario(sb, {
      brandUsername: BRAND,
      postsPerMinute: 6,
      regularArrivals: true,
      maxSteps: 5,
      seed: 'x',
      scheduler: timer,
      customers: 3,
      languages: ['en'],
    });
    expect(scenario.customers).toHaveLength(3);
    timer.advance(20_000);
    expect(scenario.steps).toBe(2);
    expect(sb.listTweets()).toHaveLength(0); // no brand yet
    sb.createUser({ username: BRAND, name: 'Acme Support' });
    timer.advance(60_000);
    expect(scenario.steps).toBe(5);
    expect(scenario.stopped).toBe(true);
    expect(timer.pending()).toBe(0);
    const authors = new Set(sb.listTweets().map((t) => t.authorId));
    for (const id of authors) expect(scenario.customers.map((c) => c.id)).toContain(id);
    for (const t of sb.listTweets()) expect(t.lang).toBe('en');
  });

  it('refuses a non-positive rate', () => {
    const sb = createXSandbox();
    expect(() => startScenario(sb, { brandUsername: BRAND, postsPerMinute: 0 })).toThrow(RangeError);
  });
});
