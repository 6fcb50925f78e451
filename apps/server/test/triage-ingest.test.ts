import { afterEach, describe, expect, it } from 'vitest';
import { ingestPage } from '../src/modules/conversations/ingestion/pipeline.ts';
import { createRule } from '../src/modules/rules/rules.commands.ts';
import { ruleInputSchema } from '../src/modules/rules/rules.models.ts';
import { InProcessRealtimeBus } from '../src/platform/realtime.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, inboundPost, type StorageFixture } from './factories.ts';

describe.each(TEST_DIALECTS)('triage and rules at ingestion (%s)', (dialect) => {
  let f: StorageFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('stores type, sentiment, language and urgency, and sets the case priority with its reason', async () => {
    f = await createStorageFixture(dialect);
    const outage = inboundPost({
      text: '@acme_sav encore une panne, plus de connexion depuis 3 jours !',
      author: { externalId: 'c1', handle: 'camille', name: 'Camille', followersCount: 40 },
      lang: undefined, // X gives no language: lid.176 decides
    });
    const question = inboundPost({
      text: '@acme_sav what are your opening hours on Sunday?',
      author: { externalId: 'c2', handle: 'sam', name: 'Sam', followersCount: 40 },
      lang: undefined,
    });
    const result = await ingestPage(
      { db: f.database.db, clock: f.clock },
      { channel: f.channel, feed: 'mentions', items: [outage, question] },
    );
    expect(result.stored).toBe(2);

    const messages = await f.database.db
      .selectFrom('messages')
      .select(['text', 'type', 'sentiment', 'lang', 'urgency', 'priority'])
      .orderBy('created_at')
      .execute();
    expect(messages[0]).toMatchObject({ type: 'complaint', lang: 'fr', priority: 1 });
    expect(messages[0]!.urgency).toContain('outage');
    expect(messages[1]).toMatchObject({ type: 'question', lang: 'en', priority: 3 });

    const cases = await f.database.db
      .selectFrom('cases')
      .select(['priority', 'priority_reason', 'type'])
      .orderBy('priority')
      .execute();
    expect(cases.map((c) => c.priority)).toEqual([1, 3]);
    expect(cases[0]!.priority_reason).toMatch(/^complaint, .*signale une panne|^complaint, .*mentions outage/);
    expect(cases[0]!.type).toBe('complaint');

    // The same customer writing again raises nothing lower: triage only ever raises priority.
    const thanks = inboundPost({
      text: '@acme_sav merci, ça remarche !',
      author: { externalId: 'c1', handle: 'camille', name: 'Camille', followersCount: 40 },
    });
    await ingestPage({ db: f.database.db, clock: f.clock }, { channel: f.channel, feed: 'mentions', items: [thanks] });
    const again = await f.database.db.selectFrom('cases').select('priority').orderBy('priority').execute();
    expect(again.map((c) => c.priority)).toEqual([1, 3]);
  });

  it("runs the rules in the page's own transaction and records what they did", async () => {
    f = await createStorageFixture(dialect);
    const deps = { db: f.database.db, clock: f.clock };
    await createRule(deps, {
      workspaceId: f.channel.workspace_id,
      agentId: (await f.database.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id,
      rule: ruleInputSchema.parse({
        name: 'Outages get a tag',
        event: 'message.received',
        conditions: [{ kind: 'urgency', value: { any: ['outage'] } }],
        actions: [{ kind: 'tag', value: { name: 'panne' } }],
      }),
    });
    const realtime = new InProcessRealtimeBus();
    const heard: string[] = [];
    realtime.subscribe(f.channel.workspace_id, (e) => heard.push(e.type));
    const result = await ingestPage(
      { ...deps, realtime },
      {
        channel: f.channel,
        feed: 'mentions',
        items: [inboundPost({ text: '@acme_sav outage again, nothing works since this morning' })],
      },
    );
    expect(result).toMatchObject({ stored: 1, ruleEffects: 1, failingRules: [] });
    const tags = await f.database.db
      .selectFrom('case_tags')
      .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
      .select('tags.name')
      .execute();
    expect(tags.map((t) => t.name)).toEqual(['panne']);
    const events = await f.database.db.selectFrom('events').select('type').where('type', '=', 'case.tagged').execute();
    expect(events).toHaveLength(1);
    expect(heard).toContain('case.changed');
  });

  it('refuses to save a rule that would loop', async () => {
    f = await createStorageFixture(dialect);
    const agentId = (await f.database.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    await expect(
      createRule(
        { db: f.database.db, clock: f.clock },
        {
          workspaceId: f.channel.workspace_id,
          agentId,
          rule: ruleInputSchema.parse({
            name: 'Loop',
            event: 'case.priority_changed',
            conditions: [],
            actions: [{ kind: 'setPriority', value: { priority: 2 } }],
          }),
        },
      ),
    ).rejects.toMatchObject({ code: 'rule.loop' });
    expect(await f.database.db.selectFrom('rules').select('id').execute()).toHaveLength(0);
  });
});
