import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Classification } from '../triage/triage.models.ts';
import { assertNoLoop, planRules } from './rules.engine.ts';
import { ruleInputSchema, type Rule, type RuleContext } from './rules.models.ts';

const classification: Classification = {
  type: 'complaint',
  sentiment: 'negative',
  language: 'fr',
  urgency: ['outage'],
  scores: {
    type: { complaint: 1, question: 0, praise: 0, other: 0 },
    sentiment: { negative: 1, neutral: 0, positive: 0 },
    language: 1,
  },
};
const rule = (id: string, position: number, input: unknown): Rule => ({
  ...ruleInputSchema.parse(input),
  id,
  position,
});

function context(clock: ManualClock, overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    event: 'message.received',
    text: 'Panne générale chez vous !',
    classification,
    priority: 1,
    channelId: 'ch1',
    visibility: 'public',
    author: { followers: 12_000, verified: false },
    now: clock.now(),
    ...overrides,
  };
}

describe('rules engine', () => {
  const nightShift = rule('night', 1, {
    name: 'Night outages to the on-call team',
    event: 'message.received',
    conditions: [
      { kind: 'type', value: { in: ['complaint'] } },
      { kind: 'words', value: { any: ['panne', 'outage'] } },
      { kind: 'timeOfDay', value: { from: '22:00', to: '06:00', timeZone: 'Europe/Paris' } },
    ],
    actions: [
      { kind: 'assignTeam', value: { teamId: 'on-call' } },
      { kind: 'tag', value: { name: 'panne' } },
    ],
  });
  const vip = rule('vip', 2, {
    name: 'Large accounts first',
    event: 'message.received',
    conditions: [{ kind: 'followers', value: { atLeast: 10_000 } }],
    actions: [{ kind: 'setPriority', value: { priority: 1 } }],
    stop: true,
  });
  const never = rule('never', 3, {
    name: 'After a stop rule',
    event: 'message.received',
    conditions: [],
    actions: [{ kind: 'markSpam', value: {} }],
  });

  it('runs matching rules in order, with time-of-day read from the injected clock', () => {
    const clock = new ManualClock(new Date('2026-11-23T12:00:00Z')); // 13:00 in Paris
    expect(planRules([never, vip, nightShift], context(clock)).matched.map((m) => m.ruleId)).toEqual(['vip']);
    clock.advanceBy(11 * 60 * 60 * 1000); // 00:00 in Paris
    expect(planRules([never, vip, nightShift], context(clock)).matched.map((m) => m.ruleId)).toEqual(['night', 'vip']);
  });

  it('ignores disabled rules and other events', () => {
    const clock = new ManualClock(new Date('2026-11-23T23:30:00Z'));
    const off = { ...nightShift, enabled: false };
    expect(planRules([off], context(clock)).matched).toEqual([]);
    expect(planRules([nightShift], context(clock, { event: 'case.opened' })).matched).toEqual([]);
  });

  it('refuses a rule that would trigger itself', () => {
    const selfLoop = ruleInputSchema.parse({
      name: 'Tag tagged cases',
      event: 'case.tagged',
      conditions: [],
      actions: [{ kind: 'tag', value: { name: 'again' } }],
    });
    expect(() => assertNoLoop(selfLoop, [])).toThrow(AppError);
    expect(() => assertNoLoop(selfLoop, [])).toThrow(/trigger itself/);
  });

  it('refuses a loop through another rule, and accepts the same rule alone', () => {
    const bumpTagged = rule('bump', 1, {
      name: 'Tagged means urgent',
      event: 'case.tagged',
      conditions: [],
      actions: [{ kind: 'setPriority', value: { priority: 1 } }],
    });
    const tagUrgent = ruleInputSchema.parse({
      name: 'Urgent gets a tag',
      event: 'case.priority_changed',
      conditions: [],
      actions: [{ kind: 'tag', value: { name: 'urgent' } }],
    });
    expect(() => assertNoLoop(tagUrgent, [bumpTagged])).toThrow(/through "Tagged means urgent"/);
    expect(() => assertNoLoop(tagUrgent, [])).not.toThrow();
    expect(() => assertNoLoop(nightShift, [bumpTagged])).not.toThrow();
  });

  it('validates condition and action values against their registries', () => {
    expect(
      ruleInputSchema.safeParse({
        name: 'x',
        event: 'message.received',
        conditions: [{ kind: 'timeOfDay', value: { from: '25:00', to: '06:00' } }],
        actions: [{ kind: 'tag', value: { name: 'x' } }],
      }).success,
    ).toBe(false);
    expect(
      ruleInputSchema.safeParse({
        name: 'x',
        event: 'message.received',
        conditions: [],
        actions: [{ kind: 'explode', value: {} }],
      }).success,
    ).toBe(false);
  });
});
