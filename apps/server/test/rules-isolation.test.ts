import type { CaseList, RuleDto } from '@guichet/contracts';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRuleEffects } from '../src/modules/rules/rules.effects.ts';
import { newId } from '../src/platform/ids.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { ManualClock, TestApp } from './test-app.ts';

/**
 * One bad rule must never stop ingestion (issue 14): rules are checked when saved, and a rule stored broken
 * anyway (an older version, a manual edit, a template deleted since) is set aside and shown failing on the
 * rules screen while every other rule and every post goes through.
 */
describe.each(TEST_DIALECTS)('rule isolation (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const desk = deskClient(() => app);
  const { api } = desk;
  afterEach(async () => {
    await app.close();
  });

  const nightShift = (timeZone: string) => ({
    name: 'Night shift',
    event: 'message.received',
    conditions: [{ kind: 'timeOfDay', value: { from: '22:00', to: '06:00', timeZone } }],
    actions: [{ kind: 'tag', value: { name: 'night' } }],
  });

  it('refuses a rule with an unknown time zone on save, with a message that says which', async () => {
    ({ app, clock } = await desk.start({ dialect, at: '2026-03-02T09:00:00Z' }));
    const refused = await api<{ error: { code: string; message: string } }>(
      'POST',
      '/api/rules',
      nightShift('Not/AZone'),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('unknown time zone "Not/AZone"');
    const saved = await api<RuleDto>('POST', '/api/rules', nightShift('Europe/Paris'));
    expect(saved.status).toBe(201);
    const edited = await api('PUT', `/api/rules/${saved.body.id}`, nightShift('Mars/Olympus'));
    expect(edited.status).toBe(400);
    expect((await api<{ rules: RuleDto[] }>('GET', '/api/rules')).body.rules).toHaveLength(1);
  });

  it('sets aside rules stored broken, applies the others, stores every post, and shows why on GET /api/rules', async () => {
    ({ app, clock } = await desk.start({ dialect, at: '2026-03-02T09:00:00Z' }));
    const db = app.deps.db;
    const workspaceId = (await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const now = clock.now().getTime();
    const teamId = newId(now);
    await db
      .insertInto('teams')
      .values({ id: teamId, workspace_id: workspaceId, name: 'Gone soon', created_at: now })
      .execute();
    const good = await api<RuleDto>('POST', '/api/rules', {
      name: 'Tag every post',
      event: 'message.received',
      conditions: [],
      actions: [
        { kind: 'tag', value: { name: 'seen' } },
        { kind: 'setPriority', value: { priority: 2 } },
      ],
    });
    const team = await api<RuleDto>('POST', '/api/rules', {
      name: 'To the team',
      event: 'case.opened',
      conditions: [],
      actions: [{ kind: 'assignTeam', value: { teamId } }],
    });
    expect([good.status, team.status]).toEqual([201, 201]);
    await db.deleteFrom('teams').where('id', '=', teamId).execute();
    // Stored without the API's checks, as an older version or a hand edit could have left them.
    const broken = {
      zone: nightShift('Not/AZone'),
      value: { ...nightShift('UTC'), name: 'Empty words', conditions: [{ kind: 'words', value: { any: [] } }] },
      template: {
        ...nightShift('UTC'),
        name: 'Deleted template',
        conditions: [],
        actions: [{ kind: 'suggestTemplate', value: { templateId: 'gone' } }],
      },
      agent: {
        ...nightShift('UTC'),
        name: 'Unknown agent',
        conditions: [],
        actions: [{ kind: 'assignAgent', value: { agentId: 'gone' } }],
      },
    };
    const ids: Record<string, string> = {};
    let position = 10;
    for (const [key, rule] of Object.entries(broken)) {
      ids[key] = newId(now);
      await db
        .insertInto('rules')
        .values({
          id: ids[key]!,
          workspace_id: workspaceId,
          name: rule.name,
          event: rule.event,
          conditions: JSON.stringify(rule.conditions),
          actions: JSON.stringify({ list: rule.actions, stop: false }),
          position: position++,
          enabled: 1,
          created_by: null,
          created_at: now,
          updated_at: now,
          failing_since: null,
          last_error: null,
        })
        .execute();
    }

    desk.mention('ana', '@acme_sav my parcel is lost');
    desk.mention('bob', '@acme_sav no internet since this morning');
    await app.pollAndWork();
    const cases = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases;
    expect(cases).toHaveLength(2);
    for (const c of cases) {
      expect(c.priority).toBe(2);
      expect(c.tags.map((t) => t.name)).toEqual(['seen']);
    }
    expect(await db.selectFrom('messages').select('id').where('direction', '=', 'inbound').execute()).toHaveLength(2);

    const rules = (await api<{ rules: RuleDto[] }>('GET', '/api/rules')).body.rules;
    const failing = Object.fromEntries(rules.map((r) => [r.name, r.failing]));
    expect(failing['Tag every post']).toBeNull();
    expect(failing['To the team']).toMatchObject({ error: 'assignTeam: the team it names no longer exists', count: 1 });
    expect(failing['Night shift']!.error).toContain('unknown time zone "Not/AZone"');
    expect(failing['Empty words']!.error).toMatch(/^words: any:/);
    expect(failing['Deleted template']!.error).toBe('suggestTemplate: the template it names no longer exists');
    expect(failing['Unknown agent']!.error).toBe('assignAgent: the agent it names no longer exists');
    expect(failing['Night shift']!.since).toBe(clock.now().toISOString());

    // Still broken on the next page: counted again, the first failure's time kept. Saved again: cleared.
    clock.advanceBy(60_000);
    desk.mention('cleo', '@acme_sav hello?');
    await app.pollAndWork();
    const again = (await api<{ rules: RuleDto[] }>('GET', '/api/rules')).body.rules.find((r) => r.id === ids.zone);
    expect(again!.failing).toMatchObject({ count: 2, since: new Date(now).toISOString() });
    await api('PUT', `/api/rules/${ids.zone}`, nightShift('Europe/Paris'));
    const fixed = (await api<{ rules: RuleDto[] }>('GET', '/api/rules')).body.rules.find((r) => r.id === ids.zone);
    expect(fixed!.failing).toBeNull();
  });

  it('clears a failing rule once it runs cleanly again (the template it names is back)', async () => {
    ({ app, clock } = await desk.start({ dialect, at: '2026-03-02T09:00:00Z' }));
    const template = await api<{ id: string }>('POST', '/api/templates', {
      name: 'Hello',
      shortcut: 'hello',
      language: 'en',
      body: 'Hello {{customer.name}}',
    });
    const rule = await api<RuleDto>('POST', '/api/rules', {
      name: 'Suggest hello',
      event: 'message.received',
      conditions: [],
      actions: [{ kind: 'suggestTemplate', value: { templateId: template.body.id } }],
    });
    const row = await app.deps.db
      .selectFrom('templates')
      .selectAll()
      .where('id', '=', template.body.id)
      .executeTakeFirstOrThrow();
    await app.deps.db.deleteFrom('templates').where('id', '=', row.id).execute();
    desk.mention('dan', '@acme_sav first');
    await app.pollAndWork();
    const listed = async () =>
      (await api<{ rules: RuleDto[] }>('GET', '/api/rules')).body.rules.find((r) => r.id === rule.body.id)!;
    expect((await listed()).failing?.count).toBe(1);
    await app.deps.db.insertInto('templates').values(row).execute();
    clock.advanceBy(60_000);
    desk.mention('eve', '@acme_sav second');
    await app.pollAndWork();
    expect((await listed()).failing).toBeNull();
  });

  it("rolls back the writes of a rule that fails while writing, and keeps the other rules' effects", async () => {
    ({ app, clock } = await desk.start({ dialect, at: '2026-03-02T09:00:00Z' }));
    desk.mention('fay', '@acme_sav broken again');
    await app.pollAndWork();
    const db = app.deps.db;
    const caseId = (await db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id;
    const workspaceId = (await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const effect = { caseId, messageId: 'm', text: 'broken again', createdAt: 0 };
    const now = clock.now().getTime();
    const applied = await db.transaction().execute(async (tx) => {
      const result = await applyRuleEffects(tx, {
        workspaceId,
        now,
        columnsWritten: false,
        isolate: true,
        effects: [
          { ...effect, ruleId: 'tagger', ruleName: 'Tagger', kind: 'tag', value: { name: 'kept' } },
          // No such agent: the foreign key fails the update, inside this rule's savepoint only.
          { ...effect, ruleId: 'assigner', ruleName: 'Assigner', kind: 'assignAgent', value: { agentId: 'nobody' } },
          { ...effect, ruleId: 'assigner', ruleName: 'Assigner', kind: 'tag', value: { name: 'rolled-back' } },
        ],
      });
      // The transaction is still good for more work after the failed statement (PostgreSQL included).
      await sql`select 1`.execute(tx);
      return result;
    });
    expect([...applied.failures.keys()]).toEqual(['assigner']);
    expect(applied.events.map((e) => e.type)).toEqual(['case.tagged']);
    const tags = await db
      .selectFrom('case_tags')
      .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
      .select('tags.name')
      .execute();
    expect(tags.map((t) => t.name)).toEqual(['kept']);
    expect(
      (await db.selectFrom('cases').select('assignee_agent_id').executeTakeFirstOrThrow()).assignee_agent_id,
    ).toBeNull();
  });
});
