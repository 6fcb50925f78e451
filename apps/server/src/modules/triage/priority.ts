import { cueReason } from './cues.ts';
import type { Classification, CustomerSignals, Priority, PriorityDecision, PriorityPolicy } from './triage.models.ts';

/**
 * The default mapping (docs: apps/server/src/modules/triage/README.md). An unhappy customer with a broken
 * product comes before an information request (seed 001): a complaint is 3 points, a question 1, and each
 * urgency cue adds to that.
 *
 *   P1 ≥ 6 points   e.g. complaint (3) + negative (1) + outage (2)
 *   P2 ≥ 4          e.g. complaint (3) + negative (1)
 *   P3 ≥ 1          e.g. a question (1)
 *   P4 otherwise    praise and other posts
 */
export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  type: { complaint: 3, question: 1, praise: 0, other: 0 },
  sentiment: { negative: 1, neutral: 0, positive: 0 },
  cues: {
    outage: 2,
    safety: 3,
    security: 2,
    broken: 1,
    refund: 1,
    waiting: 1,
    urgent: 1,
    churn: 1,
    'poor-support': 1,
  },
  customer: {
    followers: [
      { atLeast: 10_000, points: 1 },
      { atLeast: 100_000, points: 2 },
    ],
    verified: 1,
    repeatContact: 1,
  },
  words: {},
  thresholds: { p1: 6, p2: 4, p3: 1 },
};

function compactCount(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10}M`;
  if (n >= 1_000) return `${Math.round(n / 100) / 10}k`;
  return String(n);
}

type FollowerTiers = PriorityPolicy['customer']['followers'];
// Sorted once per policy read, not once per message (a page decides a hundred priorities with one policy).
const sortedTiers = new WeakMap<FollowerTiers, FollowerTiers>();
function tiersHighestFirst(tiers: FollowerTiers): FollowerTiers {
  let sorted = sortedTiers.get(tiers);
  if (!sorted) {
    sorted = [...tiers].sort((a, b) => b.atLeast - a.atLeast);
    sortedTiers.set(tiers, sorted);
  }
  return sorted;
}

/** Points, priority and the reason an agent reads on the case. Pure: no clock, no database. */
export function decidePriority(
  triage: Pick<Classification, 'type' | 'sentiment' | 'urgency' | 'complaint'>,
  customer: CustomerSignals,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): PriorityDecision {
  // The complaint flag is its own output: when given, it decides whether the complaint points apply.
  const type =
    triage.complaint === true
      ? 'complaint'
      : triage.complaint === false && triage.type === 'complaint'
        ? 'other'
        : triage.type;
  let points = policy.type[type] + policy.sentiment[triage.sentiment];
  const reasons: string[] = [type];
  if (triage.sentiment !== 'neutral') reasons.push(triage.sentiment);
  for (const id of triage.urgency) {
    const cuePoints = policy.cues[id] ?? 0;
    if (cuePoints === 0) continue;
    points += cuePoints;
    reasons.push(cueReason(id));
  }
  const followers = customer.followers ?? 0;
  // The highest tier reached counts, not every tier.
  const tier = tiersHighestFirst(policy.customer.followers).find((t) => followers >= t.atLeast);
  if (tier && tier.points !== 0) {
    points += tier.points;
    reasons.push(`${compactCount(followers)} followers`);
  }
  if (customer.verified && policy.customer.verified !== 0) {
    points += policy.customer.verified;
    reasons.push('verified');
  }
  if (customer.repeatContact && policy.customer.repeatContact !== 0) {
    points += policy.customer.repeatContact;
    reasons.push('repeat contact');
  }
  const { p1, p2, p3 } = policy.thresholds;
  const priority: Priority = points >= p1 ? 1 : points >= p2 ? 2 : points >= p3 ? 3 : 4;
  return { priority, points, reason: reasons.join(', ') };
}
