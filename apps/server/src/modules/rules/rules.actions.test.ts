import type {
  CaseDetail,
  RuleDto,
  RuleTestResult,
  SlaPolicies,
  SlaPolicy,
  TemplateSuggestions,
} from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import { deskClient } from '../../../test/api-client.ts';
import type { ManualClock, TestApp } from '../../../test/test-app.ts';

const MINUTE = 60_000;

/** Targets easy to tell apart: P1 answers in 10 minutes, every other priority in 600. */
const policies: SlaPolicies = {
  policies: [1, 2, 3, 4].map((priority): SlaPolicy => ({
    priority,
    firstResponseMinutes: priority === 1 ? 10 : 600,
    nextResponseMinutes: null,
    resolutionMinutes: null,
    businessHours: false,
    pauseWhenPending: true,
    pauseDuringAbsence: false,
  })),
};

/** Rule actions through the whole desk, and the settings screen's "test against a sample post". */
describe.each(TEST_DIALECTS)('rule actions and rule tests (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, mention, waitForCase } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });

  async function start() {
    ({ app, clock } = await startDesk({ dialect, at: '2026-04-06T09:00:00Z' }));
  }
  async function customerWrites(username: string, text: string) {
    mention(username, text);
    const found = await waitForCase(clock, username, { sweep: true });
    expect(found).toBeDefined();
    return found!;
  }

  it('"apply SLA policy" holds the case to that priority\'s targets; "suggest template" reaches the composer', async () => {
    await start();
    expect((await api('PUT', '/api/sla/policies', policies)).status).toBe(200);
    const template = await api<{ id: string }>('POST', '/api/templates', {
      name: 'Shipping delay',
      shortcut: 'delay',
      language: 'en',
      body: 'Hello {{customer.name}}, your parcel is on its way.',
    });
    expect(template.status).toBe(201);
    const rule = await api<RuleDto>('POST', '/api/rules', {
      name: 'Parcels: fast lane and the delay reply',
      event: 'case.opened',
      conditions: [{ kind: 'words', value: { any: ['parcel', 'colis'] } }],
      actions: [
        { kind: 'applySla', value: { priority: 1 } },
        { kind: 'suggestTemplate', value: { templateId: template.body.id } },
      ],
    });
    expect(rule.status).toBe(201);

    const parcel = await customerWrites('paul_p', '@acme_sav where is my parcel? ordered last week');
    const other = await customerWrites('olga_o', '@acme_sav where is my order? ordered last week');
    // The question is P3 by triage, but the rule holds it to P1's 10 minutes; the other case keeps 600.
    expect(parcel.priority).toBe(other.priority);
    const due = (c: { sla: { dueAt: string | null } | null }) => Date.parse(c.sla!.dueAt!) - clock.now().getTime();
    expect(due(parcel)).toBeLessThanOrEqual(10 * MINUTE);
    expect(due(other)).toBeGreaterThan(500 * MINUTE);
    const clocks = await app.deps.db
      .selectFrom('sla_clocks')
      .select(['case_id', 'priority', 'target_ms'])
      .where('case_id', '=', parcel.id)
      .execute();
    expect(clocks).toEqual([{ case_id: parcel.id, priority: 1, target_ms: 10 * MINUTE }]);
    const history = (await api<CaseDetail>('GET', `/api/cases/${parcel.id}`)).body.history.map((e) => e.type);
    expect(history).toEqual(expect.arrayContaining(['case.sla_policy_applied', 'case.template_suggested']));

    const suggested = (await api<TemplateSuggestions>('GET', `/api/cases/${parcel.id}/template-suggestions`)).body;
    expect(suggested.templates).toEqual([
      expect.objectContaining({ id: template.body.id, shortcut: 'delay', rule: rule.body.name }),
    ]);
    expect(
      (await api<TemplateSuggestions>('GET', `/api/cases/${other.id}/template-suggestions`)).body.templates,
    ).toEqual([]);
  });

  it('tests a draft on a sample condition by condition, refuses loops and unknown references', async () => {
    await start();
    const draft = {
      name: 'Angry French outages',
      event: 'message.received',
      conditions: [
        { kind: 'language', value: { in: ['fr'] } },
        { kind: 'urgency', value: { any: ['outage'] } },
        { kind: 'followers', value: { atLeast: 1000 } },
      ],
      actions: [{ kind: 'tag', value: { name: 'panne' } }],
    };
    const sample = { text: '@acme_sav encore une panne, plus de connexion depuis ce matin', followers: 50 };
    const tried = await api<RuleTestResult>('POST', '/api/rules/test', { rule: draft, sample });
    expect(tried.status).toBe(200);
    expect(tried.body.conditions.map((c) => [c.kind, c.matched])).toEqual([
      ['language', true],
      ['urgency', true],
      ['followers', false],
    ]);
    expect(tried.body).toMatchObject({ matches: false, actions: [], loop: null, eventMismatch: false });
    const matched = await api<RuleTestResult>('POST', '/api/rules/test', {
      rule: draft,
      sample: { ...sample, followers: 5000 },
    });
    expect(matched.body).toMatchObject({ matches: true, actions: draft.actions });
    expect(matched.body.priority.priority).toBe(1);

    // A rule that would trigger itself: shown by the test, refused on save.
    const loop = { ...draft, event: 'case.tagged', conditions: [] };
    const loopTest = await api<RuleTestResult>('POST', '/api/rules/test', { rule: loop, sample });
    expect(loopTest.body.loop).toMatch(/would trigger itself/);
    const refused = await api<{ error: { code: string } }>('POST', '/api/rules', loop);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('rule.loop');

    const unknown = await api<{ error: { code: string } }>('POST', '/api/rules', {
      ...draft,
      actions: [{ kind: 'suggestTemplate', value: { templateId: 'no-such-template' } }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('rule.unknown_reference');
    const oldShape = await api('POST', '/api/rules', {
      ...draft,
      actions: [{ kind: 'applySla', value: { policy: 'x' } }],
    });
    expect(oldShape.status).toBe(400);

    // Saved, reordered, deleted: each change is an event.
    const a = await api<RuleDto>('POST', '/api/rules', draft);
    const b = await api<RuleDto>('POST', '/api/rules', { ...draft, name: 'Second' });
    const order = await api<{ rules: RuleDto[] }>('PUT', '/api/rules-order', { ids: [b.body.id, a.body.id] });
    expect(order.body.rules.map((r) => r.name)).toEqual(['Second', 'Angry French outages']);
    expect((await api('DELETE', `/api/rules/${a.body.id}`)).status).toBe(204);
    const events = await app.deps.db.selectFrom('events').select('type').where('type', 'like', 'rule%').execute();
    // Same instant on the manual clock: compare as a set.
    expect(events.map((e) => e.type).sort()).toEqual([
      'rule.created',
      'rule.created',
      'rule.deleted',
      'rules.reordered',
    ]);
  });

  it("uses the workspace's own cue words, edited in the priority mapping, in triage and in rule tests", async () => {
    await start();
    const { policy } = (await api<{ policy: Record<string, unknown> }>('GET', '/api/triage/priority-policy')).body;
    const text = '@acme_sav la box clignote rouge';
    const before = await api<{ classification: { urgency: string[] } }>('POST', '/api/triage/classify', { text });
    expect(before.body.classification.urgency).not.toContain('outage');
    const saved = await api('PUT', '/api/triage/priority-policy', { ...policy, words: { outage: ['clignote rouge'] } });
    expect(saved.status).toBe(200);
    const after = await api<{ classification: { urgency: string[] }; priority: { reason: string } }>(
      'POST',
      '/api/triage/classify',
      { text },
    );
    expect(after.body.classification.urgency).toContain('outage');
    expect(after.body.priority.reason).toContain('mentions outage');
    // Whole words only: "clignoterouge" is not the phrase.
    const glued = await api<{ classification: { urgency: string[] } }>('POST', '/api/triage/classify', {
      text: '@acme_sav clignoterouge',
    });
    expect(glued.body.classification.urgency).not.toContain('outage');
    const opened = await customerWrites('box_user', text);
    const stored = await app.deps.db
      .selectFrom('messages')
      .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
      .select('messages.urgency as urgency')
      .where('case_conversations.case_id', '=', opened.id)
      .executeTakeFirstOrThrow();
    expect(stored.urgency).toContain('outage');
    const changes = await app.deps.db
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'triage.priority_policy_changed')
      .execute();
    expect(changes).toHaveLength(1);
  });
});
