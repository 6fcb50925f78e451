/**
 * Timers and randomness for the simulated traffic (scenario, replay): injectable so tests never sleep and
 * a seed replays the same run.
 */

/** One-shot timers; the scenario and the replay schedule their next step themselves. */
export interface TimeoutScheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimeouts: TimeoutScheduler = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // Simulated traffic must never keep a process (CLI, tests) alive on its own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A scheduler driven by hand: `advance(ms)` runs every timer that falls due, in time order, as real timers
 * would (timers set while advancing run too if they fall due before the end). `now()` is the virtual time
 * in ms since creation; `clock()` gives it as a Date from `startIso`, to pass to a sandbox as its clock.
 */
export interface ManualScheduler extends TimeoutScheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  advance(ms: number): void;
  /** Runs timers until none is left or `maxMs` of virtual time has passed; returns the time advanced. */
  runAll(maxMs?: number): number;
  now(): number;
  clock(): Date;
  pending(): number;
}

export function createManualScheduler(startIso = '2026-08-20T09:00:00.000Z'): ManualScheduler {
  const start = Date.parse(startIso);
  const timers = new Map<number, { fn: () => void; due: number; every?: number; seq: number }>();
  let now = 0;
  let nextHandle = 1;
  let seq = 0;

  function add(fn: () => void, ms: number, every?: number): number {
    const handle = nextHandle++;
    const delay = Math.max(0, Number.isFinite(ms) ? ms : 0);
    timers.set(handle, { fn, due: now + delay, seq: seq++, ...(every !== undefined ? { every } : {}) });
    return handle;
  }

  function nextDue(limit: number): [number, { fn: () => void; due: number; every?: number; seq: number }] | undefined {
    let best: [number, { fn: () => void; due: number; every?: number; seq: number }] | undefined;
    for (const entry of timers) {
      const t = entry[1];
      if (t.due > limit) continue;
      if (!best || t.due < best[1].due || (t.due === best[1].due && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }

  function fire(handle: number, t: { fn: () => void; due: number; every?: number; seq: number }): void {
    now = Math.max(now, t.due);
    if (t.every !== undefined) {
      t.due += Math.max(1, t.every);
      t.seq = seq++;
    } else timers.delete(handle);
    t.fn();
  }

  return {
    setTimeout: (fn, ms) => add(fn, ms),
    clearTimeout: (handle) => void timers.delete(handle as number),
    setInterval: (fn, ms) => add(fn, ms, ms),
    clearInterval: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (let found = nextDue(end); found; found = nextDue(end)) fire(found[0], found[1]);
      now = end;
    },
    runAll(maxMs = Number.MAX_SAFE_INTEGER) {
      const begin = now;
      const end = now + maxMs;
      for (let found = nextDue(end); found; found = nextDue(end)) fire(found[0], found[1]);
      return now - begin;
    },
    now: () => now,
    clock: () => new Date(start + now),
    pending: () => timers.size,
  };
}

/** Seeds accept numbers or strings ("demo" → a stable number). */
export function seedNumber(seed: number | string): number {
  if (typeof seed === 'number') return seed | 0;
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return h | 0;
}

/** mulberry32: small, fast and good enough to make simulated traffic repeatable. Values in [0, 1). */
export function seededRandom(seed: number | string): () => number {
  let s = seedNumber(seed);
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
