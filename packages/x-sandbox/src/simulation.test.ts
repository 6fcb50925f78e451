import { describe, expect, it } from 'vitest';
import { createXSandbox, CUSTOMER_LINES, FOLLOW_UP_LINES, startCustomerSimulation, type Scheduler } from './index.ts';
import { guessLang } from './text.ts';

/** A scheduler driven by hand: `advance(ms)` fires the interval as many times as a real timer would. */
function manualScheduler() {
  const timers = new Map<number, { fn: () => void; every: number; due: number }>();
  let now = 0;
  let next = 1;
  const scheduler: Scheduler = {
    setInterval(fn, ms) {
      timers.set(next, { fn, every: ms, due: now + ms });
      return next++;
    },
    clearInterval(handle) {
      timers.delete(handle as number);
    },
  };
  function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const due = [...timers.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!due) break;
      now = due.due;
      due.due += due.every;
      due.fn();
    }
    now = end;
  }
  return { scheduler, advance, active: () => timers.size };
}

/** Deterministic pseudo-random numbers (mulberry32) so runs are repeatable. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clock() {
  let t = Date.parse('2026-08-20T09:00:00.000Z');
  return () => new Date((t += 1000));
}

describe('customer simulation', () => {
  it('ships at least 30 hand-written lines in French and English across moods', () => {
    expect(CUSTOMER_LINES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CUSTOMER_LINES.map((l) => l.lang))).toEqual(new Set(['fr', 'en']));
    expect(new Set(CUSTOMER_LINES.map((l) => l.mood))).toEqual(new Set(['question', 'complaint', 'praise']));
    expect(FOLLOW_UP_LINES.length).toBeGreaterThanOrEqual(8);
  });

  it('tags every simulated line with the language the sandbox detects for it', () => {
    for (const line of [...CUSTOMER_LINES, ...FOLLOW_UP_LINES])
      expect([line.text, guessLang(line.text)]).toEqual([line.text, line.lang]);
    expect(guessLang('@acme_support 👍 https://example.com')).toBe('und');
  });

  it('posts a mention of the brand on every interval, as Camille Durand', () => {
    const sb = createXSandbox({ clock: clock() });
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support' });
    const timer = manualScheduler();
    const sim = startCustomerSimulation(sb, {
      brandUsername: 'acme_support',
      intervalMs: 60_000,
      scheduler: timer.scheduler,
      random: seeded(7),
    });

    const camille = sb.findUser('camille_durand');
    expect(camille?.name).toBe('Camille Durand');
    timer.advance(59_999);
    expect(sb.listTweets({ authorId: camille!.id })).toHaveLength(0);
    timer.advance(1 + 4 * 60_000);
    const posts = sb.listTweets({ authorId: camille!.id });
    expect(posts).toHaveLength(5);
    for (const p of posts) {
      expect(p.text).toMatch(/@acme_support/);
      expect(p.text).not.toMatch(/\{(order|n|day)\}/);
      expect(p.entities.mentions.some((m) => m.id === brand.user.id)).toBe(true);
      expect(['fr', 'en']).toContain(p.lang);
    }
    sim.stop();
    expect(timer.active()).toBe(0);
    timer.advance(10 * 60_000);
    expect(sb.listTweets({ authorId: camille!.id })).toHaveLength(5);
  });

  it('replies to the brand’s latest answer so threads form, and stays in the brand’s mentions', () => {
    const sb = createXSandbox({ clock: clock() });
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support' });
    const timer = manualScheduler();
    // followUpRate 1: whenever the brand has answered, the customer follows up in that thread.
    const sim = startCustomerSimulation(sb, {
      brandUsername: 'acme_support',
      intervalMs: 1000,
      scheduler: timer.scheduler,
      random: seeded(3),
      followUpRate: 1,
    });
    const first = sim.tick()!;
    const answer = sb.post(brand.user.id, {
      text: 'Bonjour, pouvez-vous nous donner votre numéro de commande ?',
      inReplyToTweetId: first.id,
    });
    timer.advance(1000);
    const followUp = sb.listTweets({ inReplyToTweetId: answer.id })[0]!;
    expect(followUp.conversationId).toBe(first.id);
    expect(followUp.text.startsWith('@acme_support ')).toBe(true);
    // Already answered: the next tick opens a new thread instead of replying twice.
    timer.advance(1000);
    const latest = sb.listTweets({ authorId: followUp.authorId })[0]!;
    expect(latest.inReplyToTweetId).toBeUndefined();
    sim.stop();
  });

  it('waits quietly while the brand account does not exist', () => {
    const sb = createXSandbox({ clock: clock() });
    const timer = manualScheduler();
    const sim = startCustomerSimulation(sb, {
      brandUsername: 'acme_support',
      intervalMs: 1000,
      scheduler: timer.scheduler,
    });
    timer.advance(5000);
    expect(sb.listTweets()).toHaveLength(0);
    sb.createUser({ username: 'acme_support', name: 'Acme Support' });
    timer.advance(1000);
    expect(sb.listTweets()).toHaveLength(1);
    sim.stop();
  });
});
