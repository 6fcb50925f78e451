import type { Agent } from './agents.ts';

export interface Percentiles {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { samples: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(sorted.at(-1)!) };
}

export interface StoredPost {
  postedAt: number;
  caseId: string;
  recordedAt: number;
}

/**
 * Post → socket latency, measured where the agents are: for each post and each logging agent, the first
 * `case.changed` for the post's case whose time (taken after the page's commit) is not before the post was
 * stored; the latency is when that socket got it minus when the customer posted. A socket that was down
 * then (its web process killed) counts from its reconnection: what the agent waited.
 */
export function postToSocketLatencies(posts: StoredPost[], agents: Agent[]): number[] {
  const latencies: number[] = [];
  for (const agent of agents) {
    if (!agent.log) continue;
    for (const post of posts) {
      const pairs = agent.log.get(post.caseId);
      if (!pairs) continue;
      for (let i = 0; i < pairs.length; i += 2) {
        if (pairs[i]! >= post.recordedAt) {
          latencies.push(pairs[i + 1]! - post.postedAt);
          break;
        }
      }
    }
  }
  return latencies;
}

/** Samples every `every`-th element, so latency matching stays cheap on a five-minute run. */
export function everyNth<T>(items: T[], every: number): T[] {
  if (every <= 1) return items;
  return items.filter((_, i) => i % every === 0);
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Window {
  at: number;
  posted: number;
  stored: number;
}

/**
 * The ingestion rate sustained over the run's steady part (after the first tenth), and whether the backlog
 * (posted − stored) grew over the second half: if it grows, the offered rate is above what the desk keeps up with.
 */
export function sustained(windows: Window[]): {
  rate: number;
  backlogStart: number;
  backlogEnd: number;
  growing: boolean;
} {
  if (windows.length < 3) return { rate: 0, backlogStart: 0, backlogEnd: 0, growing: false };
  const first = windows[Math.floor(windows.length / 10)]!;
  const last = windows.at(-1)!;
  const rate = (last.stored - first.stored) / ((last.at - first.at) / 1000);
  const half = windows[Math.floor(windows.length / 2)]!;
  const backlogStart = half.posted - half.stored;
  const backlogEnd = last.posted - last.stored;
  // A backlog that ends more than two seconds of offered posts above where it was halfway is growing.
  const offeredPerSecond = (last.posted - first.posted) / ((last.at - first.at) / 1000);
  return { rate, backlogStart, backlogEnd, growing: backlogEnd - backlogStart > 2 * offeredPerSecond };
}
