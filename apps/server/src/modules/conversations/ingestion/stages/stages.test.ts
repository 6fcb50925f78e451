import type { InboundItem } from '@guichet/connectors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../../../test/databases.ts';
import {
  BRAND,
  CUSTOMER,
  createStorageFixture,
  inboundPost,
  type StorageFixture,
} from '../../../../../test/factories.ts';
import {
  countingClassifier,
  ingestItems,
  pageContext,
  runStagesThrough,
  wordRuleRow,
} from '../../../../../test/ingestion-kit.ts';
import type { DbOrTx } from '../../../../platform/db/database.ts';
import type { PageContext } from '../page.ts';
import { ingestPage, STAGES } from '../pipeline.ts';
import { dropEchoesAndDuplicates } from './echoes-duplicates.ts';
import { normalise } from './normalise.ts';

const at = (iso: string) => new Date(iso);
const other = (n: number) => ({ externalId: `15000000000000001${n}`, handle: `other_${n}`, name: `Other ${n}` });

/** Each stage of the ingestion pipeline on its own, on both databases. */
describe.each(TEST_DIALECTS)('ingestion stages (%s)', (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  /** Runs `body` in a transaction that commits, on a context for these items. */
  async function inPage<T>(
    items: InboundItem[],
    body: (ctx: PageContext, tx: DbOrTx) => Promise<T>,
    page: Parameters<typeof pageContext>[3] = {},
  ): Promise<T> {
    return f.database.db.transaction().execute((tx) => body(pageContext(f, tx, items, page), tx));
  }
  const ingest = (items: InboundItem[]) => ingestItems(f, items);

  it("normalise: oldest first (ties by network id), v1.1 replies joined to their stored parent's thread", async () => {
    const parent = inboundPost({ createdAt: at('2026-03-02T08:00:00Z') });
    await ingest([parent]);
    const late = inboundPost({ externalId: '30', createdAt: at('2026-03-02T08:05:00Z') });
    const tieLong = inboundPost({ externalId: '200', createdAt: at('2026-03-02T08:01:00Z') });
    const tieShort = inboundPost({ externalId: '100', createdAt: at('2026-03-02T08:01:00Z') });
    // A v1.1 reply names its parent but carries its own id as the conversation.
    const reply = inboundPost({ inReplyToExternalId: parent.externalId, createdAt: at('2026-03-02T08:02:00Z') });
    const ordered = await inPage(
      [late, tieLong, reply, tieShort],
      async (ctx) => {
        await normalise(ctx);
        return ctx.items;
      },
      { threadByParent: true },
    );
    expect(ordered.map((i) => i.externalId)).toEqual(['100', '200', reply.externalId, '30']);
    expect(ordered[2]!.conversationExternalId).toBe(parent.conversationExternalId);
  });

  it("echoes and duplicates: drops the brand's own posts, repeats within the page and posts already stored", async () => {
    const stored = inboundPost();
    await ingest([stored]);
    const fresh = inboundPost();
    const echo = inboundPost({ author: { ...BRAND } });
    const ctx = await inPage([stored, fresh, fresh, echo], async (c) => {
      await dropEchoesAndDuplicates(c);
      return c;
    });
    expect(ctx.items.map((i) => i.externalId)).toEqual([fresh.externalId]);
    expect({ echoes: ctx.echoes, duplicates: ctx.duplicates.map((i) => i.externalId) }).toEqual({
      echoes: [echo],
      duplicates: [fresh.externalId, stored.externalId],
    });
  });

  it('noise and signals: reposts and muted posts on record once, followers and likes as signals', async () => {
    await f.database.db
      .updateTable('channels')
      .set({ settings: JSON.stringify({ muteWords: ['casino'] }) })
      .where('id', '=', f.channel.id)
      .execute();
    f.channel.settings = JSON.stringify({ muteWords: ['casino'] });
    const repost = inboundPost({ text: 'RT @acme_sav: we are open on Sunday' });
    const muted = inboundPost({ text: '@acme_sav best casino bonus here' });
    const work = inboundPost({ text: '@acme_sav my order is late' });
    const signals = [
      { kind: 'followed' as const, account: other(1) },
      { kind: 'liked' as const, by: 'other_2', postId: '99' },
    ];
    for (let round = 0; round < 2; round += 1) {
      const ctx = await inPage([repost, muted, work], (c) => runStagesThrough(c, 'events and cursor').then(() => c), {
        signals: round === 0 ? signals : [],
      });
      expect(ctx.filtered.map((x) => x.reason)).toEqual(['repost', 'muted_word']);
    }
    const events = await f.database.db
      .selectFrom('events')
      .select('type')
      .where('type', 'not like', 'case.%')
      .execute();
    const types = events.map((e) => e.type).filter((t) => t !== 'message.received' && t !== 'agent.added');
    expect(types.sort()).toEqual(['contact.followed', 'inbound.filtered', 'signal.liked', 'signal.reposted']);
    const follower = await f.database.db
      .selectFrom('identities')
      .select('handle')
      .where('handle', '=', 'other_1')
      .execute();
    expect(follower).toHaveLength(1);
  });

  it('contacts: a contact and identity on first sight, changed profiles refreshed in one go', async () => {
    await ingest([inboundPost(), inboundPost({ author: other(1) })]);
    const renamed = { ...CUSTOMER, handle: 'jane_renamed', followersCount: 9000 };
    const moved = { ...other(1), followersCount: 42 };
    await inPage(
      [inboundPost({ author: renamed }), inboundPost({ author: moved }), inboundPost({ author: other(2) })],
      (ctx) => runStagesThrough(ctx, 'contacts'),
    );
    const identities = await f.database.db
      .selectFrom('identities')
      .select(['external_id', 'handle', 'followers_count'])
      .orderBy('external_id')
      .execute();
    expect(identities).toEqual([
      { external_id: CUSTOMER.externalId, handle: 'jane_renamed', followers_count: 9000 },
      { external_id: other(1).externalId, handle: 'other_1', followers_count: 42 },
      { external_id: other(2).externalId, handle: 'other_2', followers_count: null },
    ]);
    expect(await f.database.db.selectFrom('contacts').select('id').execute()).toHaveLength(3);
  });

  it('threading: a conversation per thread, found when stored, and stored parents resolved', async () => {
    const root = inboundPost();
    await ingest([root]);
    const reply = inboundPost({ conversationExternalId: root.externalId, inReplyToExternalId: root.externalId });
    const other1 = inboundPost({ author: other(1) });
    const ctx = await inPage([reply, other1], (c) => runStagesThrough(c, 'threading').then(() => c));
    expect(ctx.newConversations.map((c) => c.external_id)).toEqual([other1.externalId]);
    expect(ctx.conversations.size).toBe(2);
    expect(ctx.messageIdByExternal.has(root.externalId)).toBe(true);
  });

  it('normalise: a NUL in the text or the author becomes U+FFFD, so the page is stored; the payload keeps it', async () => {
    const post = inboundPost({
      text: 'colis\u0000perdu',
      author: { ...other(7), name: 'Nul\u0000Name' },
      raw: { text: 'colis\u0000perdu' },
    });
    const result = await ingest([post]);
    expect(result.stored).toBe(1);
    const message = await f.database.db
      .selectFrom('messages')
      .innerJoin('identities', 'identities.id', 'messages.author_identity_id')
      .select(['messages.text', 'messages.raw', 'identities.name'])
      .where('messages.external_id', '=', post.externalId)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({
      text: 'colis\uFFFDperdu',
      name: 'Nul\uFFFDName',
      raw: JSON.stringify({ text: 'colis\u0000perdu' }),
    });
    expect(JSON.parse(message.raw!)).toEqual({ text: 'colis\u0000perdu' });

    // A follower comes in a signal, not an item: its identity is written the same way.
    const follower = { ...other(8), name: 'Follower\u0000' };
    await ingestPage(
      { db: f.database.db, clock: f.clock, classifier: countingClassifier() },
      { channel: f.channel, feed: 'account_activity', items: [], signals: [{ kind: 'followed', account: follower }] },
    );
    const identity = await f.database.db
      .selectFrom('identities')
      .select('name')
      .where('external_id', '=', follower.externalId)
      .executeTakeFirstOrThrow();
    expect(identity.name).toBe('Follower\uFFFD');
  });

  it("cases: the thread's case, else the author's open case, else a new one; a resolved case reopens", async () => {
    const root = inboundPost();
    await ingest([root]);
    const caseId = (await f.database.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id;
    await f.database.db.updateTable('cases').set({ status: 'resolved', resolved_at: 1 }).execute();
    const reply = inboundPost({ conversationExternalId: root.externalId });
    const newcomer = inboundPost({ author: other(1) });
    const again = inboundPost({ author: other(1) });
    const ctx = await inPage([reply, newcomer, again], (c) => runStagesThrough(c, 'cases').then(() => c));
    const [first, second, third] = ctx.entries;
    expect(first!.draft.id).toBe(caseId);
    expect(first!.draft.status).toBe('open');
    expect(second!.draft.isNew).toBe(true);
    expect(second!.opensCase).toBe(true);
    expect(third!.draft).toBe(second!.draft);
    expect([third!.opensCase, third!.repeatContact]).toEqual([false, true]);
    expect(ctx.events.map((e) => e.type)).toEqual([
      'case.reopened',
      'message.received',
      'case.opened',
      'message.received',
      'case.conversation_linked',
      'message.received',
    ]);
  });

  it('triage: each distinct text classified once; a case takes its most urgent message', async () => {
    const classifier = countingClassifier();
    const ctx = await f.database.db.transaction().execute(async (tx) => {
      const c = pageContext(
        f,
        tx,
        [
          inboundPost({ text: 'any update?' }),
          inboundPost({ text: 'panne totale' }),
          inboundPost({ text: 'any update?' }),
        ],
        {},
        classifier,
      );
      await runStagesThrough(c, 'triage');
      return c;
    });
    expect(classifier.calls).toEqual(['any update?', 'panne totale']);
    const draft = ctx.entries[0]!.draft;
    expect(draft.triage?.type).toBe('complaint');
    expect(draft.triage!.priority).toBe(Math.min(...ctx.entries.map((e) => e.decision!.priority)));
    expect(draft.lang).toBe('en'); // X's tag of the first message wins over detection
  });

  it('rules: planned in memory, a rule naming a deleted template set aside with the reason', async () => {
    const rule = (name: string, position: number, actions: unknown[]) =>
      wordRuleRow(f, { name, position, word: 'panne', actions });
    const tag = await rule('Tag', 1, [{ kind: 'tag', value: { name: 'panne' } }]);
    const suggest = await rule('Suggest', 2, [{ kind: 'suggestTemplate', value: { templateId: 'deleted' } }]);
    await f.database.db.insertInto('rules').values([tag, suggest]).execute();
    const ctx = await inPage([inboundPost({ text: 'panne' }), inboundPost({ text: 'merci' })], (c) =>
      runStagesThrough(c, 'rules').then(() => c),
    );
    expect(ctx.ruleEffects.map((e) => [e.ruleName, e.kind])).toEqual([['Tag', 'tag']]);
    expect(ctx.ruleFailures.get(suggest.id)).toMatch(/template it names no longer exists/);
  });

  it("store: new and touched cases in batched writes, with the rules' columns, messages linked to parents", async () => {
    const root = inboundPost({ text: 'question', createdAt: at('2026-03-02T08:00:00Z') });
    await ingest([root]);
    const before = await f.database.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    await f.database.db.updateTable('cases').set({ lang: null }).execute();
    const reply = inboundPost({
      text: 'panne !',
      conversationExternalId: root.externalId,
      inReplyToExternalId: root.externalId,
      createdAt: at('2026-03-02T08:10:00Z'),
    });
    const older = inboundPost({
      text: 'old',
      conversationExternalId: root.externalId,
      createdAt: at('2026-03-02T07:00:00Z'),
    });
    await inPage([reply, older], async (ctx) => {
      await runStagesThrough(ctx, 'triage');
      ctx.ruleEffects = [
        {
          ruleId: 'r1',
          ruleName: 'Sla',
          caseId: before.id,
          messageId: ctx.entries[0]!.messageId,
          kind: 'applySla',
          value: { priority: 1 },
          text: reply.text,
          createdAt: reply.createdAt.getTime(),
        },
      ];
      await runStagesThrough(ctx, 'store', 'rules');
    });
    const after = await f.database.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      message_count: 3,
      preview: 'panne !',
      last_message_at: reply.createdAt.getTime(),
      type: 'complaint',
      lang: 'en',
      sla_priority: 1,
      status: 'open',
    });
    expect(after.priority!).toBeLessThan(before.priority!);
    const stored = await f.database.db
      .selectFrom('messages')
      .select(['external_id', 'in_reply_to_message_id'])
      .where('external_id', '=', reply.externalId)
      .executeTakeFirstOrThrow();
    expect(stored.in_reply_to_message_id).not.toBeNull();
  });

  it("store: when a rule's column cannot be written, the page is written again and only that rule is set aside", async () => {
    const post = inboundPost({ text: 'panne' });
    const ctx = await inPage([post], async (c) => {
      await runStagesThrough(c, 'rules');
      const base = {
        caseId: c.entries[0]!.draft.id,
        messageId: c.entries[0]!.messageId,
        text: post.text,
        createdAt: 0,
      };
      c.ruleEffects = [
        { ...base, ruleId: 'good', ruleName: 'Good', kind: 'setPriority', value: { priority: 1 } },
        { ...base, ruleId: 'good', ruleName: 'Good', kind: 'tag', value: { name: 'ok' } },
        // No such agent: the case insert carrying it fails on the foreign key.
        { ...base, ruleId: 'bad', ruleName: 'Bad', kind: 'assignAgent', value: { agentId: 'nobody' } },
      ];
      await runStagesThrough(c, 'events and cursor', 'store');
      return c;
    });
    expect([...ctx.ruleFailures.keys()]).toEqual(['bad']);
    const stored = await f.database.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ priority: 1, priority_reason: 'rule "Good"', assignee_agent_id: null });
    expect(await f.database.db.selectFrom('messages').select('id').execute()).toHaveLength(1);
    expect(await f.database.db.selectFrom('case_tags').select('case_id').execute()).toHaveLength(1);
  });

  it("events and cursor: the page's events and its cursor in its transaction; no cursor given, none moved", async () => {
    const post = inboundPost();
    await inPage([post], (ctx) => runStagesThrough(ctx, 'events and cursor'), { nextCursor: post.externalId });
    await inPage([inboundPost()], (ctx) => runStagesThrough(ctx, 'events and cursor'));
    const cursors = await f.database.db.selectFrom('cursors').select(['feed', 'value']).execute();
    expect(cursors).toEqual([{ feed: 'mentions', value: post.externalId }]);
    const events = await f.database.db.selectFrom('events').select('type').where('type', '!=', 'agent.added').execute();
    // The same customer again: their open case takes the second thread.
    expect(events.map((e) => e.type).sort()).toEqual([
      'case.conversation_linked',
      'case.opened',
      'message.received',
      'message.received',
    ]);
  });

  it('the pipeline times every stage it runs', async () => {
    const timings = new Map<string, number>();
    await ingestPage(
      { db: f.database.db, clock: f.clock, classifier: countingClassifier(), timings },
      { channel: f.channel, feed: 'mentions', items: [inboundPost()] },
    );
    const names = [...timings.keys()];
    expect(names.filter((n) => !n.includes(' › ')).sort()).toEqual(
      ['begin', 'commit', ...STAGES.map((s) => s.name)].sort(),
    );
    expect(names).toEqual(expect.arrayContaining(['store › messages', 'store › new cases']));
  });
});
