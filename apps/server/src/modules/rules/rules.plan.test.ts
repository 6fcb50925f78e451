import { describe, expect, it } from 'vitest';
import type { Classification } from '../triage/triage.models.ts';
import { ruleInputSchema, type Rule } from './rules.models.ts';
import { planPageRules, type RuleMessage } from './rules.plan.ts';

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
const now = new Date('2026-03-02T09:00:00Z');

const rule = (id: string, position: number, input: unknown): Rule => ({
  ...ruleInputSchema.parse(input),
  id,
  position,
});
/** A rule as it may sit in the database: never validated (an old version, a manual edit). */
const stored = (id: string, position: number, input: Omit<Rule, 'id' | 'position'>): Rule => ({
  ...input,
  id,
  position,
});

function message(id: string, caseId: string, opensCase: boolean, text = 'Panne générale chez vous !'): RuleMessage {
  return {
    messageId: id,
    caseId,
    opensCase,
    createdAt: now.getTime(),
    context: {
      text,
      classification,
      priority: 2,
      channelId: 'ch1',
      visibility: 'public',
      author: { followers: 10, verified: false },
    },
  };
}

const tagOutages = rule('tag', 1, {
  name: 'Outages',
  event: 'message.received',
  conditions: [{ kind: 'words', value: { any: ['panne'] } }],
  actions: [{ kind: 'tag', value: { name: 'panne' } }],
});
const routeNewCases = rule('route', 2, {
  name: 'New cases to the team',
  event: 'case.opened',
  conditions: [],
  actions: [{ kind: 'assignTeam', value: { teamId: 'team-1' } }],
});
const onAssigned = rule('assigned', 3, {
  name: 'Assigned cases are P2',
  event: 'case.assigned',
  conditions: [],
  actions: [{ kind: 'setPriority', value: { priority: 2 } }],
});

describe('planning a page of rules in memory', () => {
  it('runs message.received for every message and case.opened once per new case, following chained events', () => {
    const plan = planPageRules(
      [onAssigned, routeNewCases, tagOutages],
      [message('m1', 'c1', true), message('m2', 'c1', false), message('m3', 'c2', false, 'Merci !')],
      now,
    );
    expect(plan.effects.map((e) => [e.messageId, e.ruleId, e.kind])).toEqual([
      ['m1', 'tag', 'tag'],
      ['m1', 'route', 'assignTeam'],
      ['m1', 'assigned', 'setPriority'],
      ['m2', 'tag', 'tag'],
    ]);
    expect(plan.failures.size).toBe(0);
    expect(plan.clean.sort()).toEqual(['assigned', 'route', 'tag']);
  });

  it('ends the list at a stop rule and never runs a disabled one', () => {
    const stop = rule('stop', 0, {
      ...tagOutages,
      name: 'Stop',
      stop: true,
      actions: [{ kind: 'markSpam', value: {} }],
    });
    const disabled = rule('off', 5, { ...tagOutages, name: 'Off', enabled: false });
    const plan = planPageRules([tagOutages, stop, disabled], [message('m1', 'c1', false)], now);
    expect(plan.effects.map((e) => e.ruleId)).toEqual(['stop']);
  });

  it('reads the clock once for the page, and still tests the other conditions message by message', () => {
    const officeHours = rule('hours', 1, {
      name: 'Outages in office hours',
      event: 'message.received',
      conditions: [
        { kind: 'timeOfDay', value: { from: '09:00', to: '18:00', timeZone: 'Europe/Paris' } },
        { kind: 'words', value: { any: ['panne'] } },
      ],
      actions: [{ kind: 'tag', value: { name: 'day' } }],
    });
    const page = [message('m1', 'c1', false), message('m2', 'c2', false, 'Merci !'), message('m3', 'c3', false)];
    // 09:00 UTC is 10:00 in Paris; 20:00 UTC is 21:00.
    const day = planPageRules([officeHours], page, now);
    expect(day.effects.map((e) => e.messageId)).toEqual(['m1', 'm3']);
    const night = planPageRules([officeHours], page, new Date('2026-03-02T20:00:00Z'));
    expect(night.effects).toEqual([]);
  });

  it('sets aside a rule whose stored values no longer hold, and plans the page as if it did not exist', () => {
    const badZone = stored('zone', 0, {
      name: 'Night shift',
      event: 'message.received',
      conditions: [{ kind: 'timeOfDay', value: { from: '22:00', to: '06:00', timeZone: 'Not/AZone' } }],
      actions: [{ kind: 'tag', value: { name: 'night' } }],
      enabled: true,
      stop: true,
    });
    const badValue = stored('value', 4, {
      name: 'Empty words',
      event: 'message.received',
      conditions: [{ kind: 'words', value: { any: [] } }],
      actions: [{ kind: 'tag', value: { name: 'x' } }],
      enabled: true,
      stop: false,
    });
    const plan = planPageRules([badZone, tagOutages, badValue], [message('m1', 'c1', false)], now);
    // The broken stop rule would have hidden the outage tag: without it, the tag applies.
    expect(plan.effects.map((e) => e.ruleId)).toEqual(['tag']);
    expect(plan.failures.get('zone')).toMatch(/unknown time zone "Not\/AZone"/);
    expect(plan.failures.get('value')).toMatch(/^words: any:/);
    expect(plan.clean).toEqual(['tag']);
  });

  it('sets aside a rule whose test throws while it runs, and one already known broken', () => {
    const throwing = stored('throws', 0, {
      name: 'Throws',
      event: 'message.received',
      conditions: [{ kind: 'urgency', value: { any: ['outage'] } }],
      actions: [{ kind: 'tag', value: { name: 'x' } }],
      enabled: true,
      stop: false,
    });
    const broken = new Map([['route', 'assignTeam: the team it names no longer exists']]);
    // A message its test cannot read (no urgency list): the condition throws at run time.
    const crash = { ...message('m1', 'c1', true) };
    crash.context = { ...crash.context, classification: { ...classification, urgency: null as unknown as string[] } };
    const plan = planPageRules([throwing, routeNewCases, tagOutages], [crash], now, broken);
    expect(plan.effects.map((e) => e.ruleId)).toEqual(['tag']);
    expect([...plan.failures.keys()].sort()).toEqual(['route', 'throws']);
    expect(plan.failures.get('throws')).toMatch(/includes/);
  });
});
