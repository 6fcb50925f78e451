import { describe, expect, it } from 'vitest';
import { detectCues } from './cues.ts';
import { decidePriority, DEFAULT_PRIORITY_POLICY } from './priority.ts';
import { priorityPolicySchema } from './triage.models.ts';

describe('urgency cues', () => {
  it('finds French and English cues, accents included', () => {
    expect(detectCues('Ma box est cassée depuis 3 jours, remboursement svp')).toEqual(['broken', 'refund', 'waiting']);
    expect(detectCues('Internet is down since 3 days, URGENT')).toEqual(['outage', 'waiting', 'urgent']);
    expect(detectCues('panne générale dans le quartier')).toEqual(['outage']);
    expect(detectCues('Thanks a lot, great service!')).toEqual([]);
  });
});

describe('priority mapping', () => {
  it('puts an unhappy customer with a broken product before an information request', () => {
    const complaint = decidePriority({ type: 'complaint', sentiment: 'negative', urgency: ['outage'] }, {});
    const question = decidePriority({ type: 'question', sentiment: 'neutral', urgency: [] }, {});
    expect(complaint).toEqual({ priority: 1, points: 6, reason: 'complaint, negative, mentions outage' });
    expect(question.priority).toBe(3);
    expect(decidePriority({ type: 'praise', sentiment: 'positive', urgency: [] }, {}).priority).toBe(4);
  });

  it('weighs customer signals and says so', () => {
    const d = decidePriority(
      { type: 'complaint', sentiment: 'neutral', urgency: [] },
      { followers: 250_000, verified: true, repeatContact: true },
    );
    expect(d.points).toBe(3 + 2 + 1 + 1);
    expect(d.priority).toBe(1);
    expect(d.reason).toBe('complaint, 250k followers, verified, repeat contact');
  });

  it('follows an edited policy', () => {
    const policy = priorityPolicySchema.parse({
      ...DEFAULT_PRIORITY_POLICY,
      type: { ...DEFAULT_PRIORITY_POLICY.type, question: 4 },
    });
    expect(decidePriority({ type: 'question', sentiment: 'neutral', urgency: [] }, {}, policy).priority).toBe(2);
    expect(priorityPolicySchema.safeParse({ ...policy, thresholds: { p1: 1, p2: 2, p3: 3 } }).success).toBe(false);
  });
});
