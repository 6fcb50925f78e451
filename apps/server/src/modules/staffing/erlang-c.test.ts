import { describe, expect, it } from 'vitest';
import { agentsNeeded, probabilityOfWaiting, serviceLevel } from './erlang-c.ts';

const S = 1000;
const MIN = 60 * S;

describe('Erlang C', () => {
  // The textbook case: 100 calls in 30 minutes, 180 s handling time (10 erlangs), 80 % answered in 20 s.
  it('gives the textbook probabilities of waiting and service levels', () => {
    expect(probabilityOfWaiting(11, 10)).toBeCloseTo(0.6821, 4);
    expect(probabilityOfWaiting(13, 10)).toBeCloseTo(0.2853, 4);
    expect(probabilityOfWaiting(14, 10)).toBeCloseTo(0.1741, 4);
    expect(serviceLevel(13, 10, 20 * S, 180 * S)).toBeCloseTo(0.7956, 3);
    expect(serviceLevel(14, 10, 20 * S, 180 * S)).toBeCloseTo(0.8884, 3);
  });

  it('finds the fewest agents that meet the target', () => {
    expect(agentsNeeded(200, 3 * MIN, 20 * S, 0.8)).toBe(14);
    // 100 calls an hour, 3 minutes each (5 erlangs), 80 % within 20 s: 8 agents (7 give 74.0 %).
    expect(serviceLevel(7, 5, 20 * S, 3 * MIN)).toBeCloseTo(0.7404, 3);
    expect(serviceLevel(8, 5, 20 * S, 3 * MIN)).toBeCloseTo(0.8801, 3);
    expect(agentsNeeded(100, 3 * MIN, 20 * S, 0.8)).toBe(8);
  });

  it('needs nobody without arrivals, and more agents for a stricter target', () => {
    expect(agentsNeeded(0, 3 * MIN, 20 * S, 0.8)).toBe(0);
    expect(agentsNeeded(100, 3 * MIN, 20 * S, 0.95)).toBeGreaterThan(agentsNeeded(100, 3 * MIN, 20 * S, 0.8));
    // A desk that cannot keep up answers nobody in time.
    expect(serviceLevel(5, 5, 20 * S, 3 * MIN)).toBe(0);
    expect(probabilityOfWaiting(4, 5)).toBe(1);
  });
});
