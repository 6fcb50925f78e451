import type { InboundItem } from '@guichet/connectors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../../test/databases.ts';
import { BRAND, createStorageFixture, inboundPost, type StorageFixture } from '../../../../test/factories.ts';
import { countingClassifier, wordRuleRow } from '../../../../test/ingestion-kit.ts';
import type { Row } from '../../../platform/db/schema.ts';
import type { Metrics } from '../../../platform/metrics.ts';
import { newId } from '../../../platform/ids.ts';
import { IngestQueue, type GroupBounds } from './ingest-queue.ts';
import type { InboundPage } from './page.ts';
import { ingestPage, ingestPages, type IngestDeps } from './pipeline.ts';

const other = (n: number) => ({ externalId: `16000000000000001${n}`, handle: `other_${n}`, name: `Other ${n}` });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A queue over the real pipeline whose first group waits until `release()`: pages submitted meanwhile
 * wait as they would behind a long transaction. `groups` records every group run, in order.
 */
function heldQueue(bounds?: GroupBounds) {
  const gate = deferred();
  const groups: InboundPage[][] = [];
  const queue = new IngestQueue(async (deps, pages) => {
    groups.push(pages);
    if (groups.length === 1) await gate.promise;
    return ingestPages(deps, pages);
  }, bounds);
  return { queue, groups, release: gate.resolve };
}

/** Group commit of inbound pages, through the real pipeline, on both databases. */
describe.each(TEST_DIALECTS)('ingest queue (%s)', (dialect) => {
  let f: StorageFixture;
  let deps: IngestDeps;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
    deps = { db: f.database.db, clock: f.clock, classifier: countingClassifier() };
  });
  afterEach(async () => {
    await f.close();
  });

  const page = (items: InboundItem[], extra: Partial<InboundPage> = {}): InboundPage => ({
    channel: f.channel,
    feed: 'mentions',
    items,
    ...extra,
  });
  const count = async (table: 'messages' | 'cases') =>
    (await f.database.db.selectFrom(table).select('id').execute()).length;
  const cursors = async () =>
    Object.fromEntries(
      (await f.database.db.selectFrom('cursors').select(['feed', 'value']).execute()).map((c) => [c.feed, c.value]),
    );

  async function tagRule(word: string): Promise<void> {
    const row = await wordRuleRow(f, {
      name: 'Tag',
      position: 1,
      word,
      actions: [{ kind: 'tag', value: { name: word } }],
    });
    await f.database.db.insertInto('rules').values(row).execute();
  }

  it('pages that come while a group runs commit together, each with its own exact result', async () => {
    await tagRule('panne');
    const { queue, groups, release } = heldQueue();
    const first = queue.submit(deps, page([inboundPost()]));
    const repeated = inboundPost({ text: '@acme_sav toujours en panne' });
    const newcomer = inboundPost({ author: other(1) });
    const results = Promise.all([
      queue.submit(deps, page([repeated, newcomer], { nextCursor: 'c1' })),
      // The same post again (it counts for the page that brought it first) and the brand's own post.
      queue.submit(deps, page([repeated, inboundPost({ author: { ...BRAND } })], { nextCursor: 'c2' })),
      queue.submit(
        deps,
        page([inboundPost({ text: 'RT @acme_sav: open on Sunday' }), inboundPost({ author: other(1) })], {
          feed: 'search:x',
          nextCursor: 's1',
        }),
      ),
      queue.submit(deps, page([], { signals: [{ kind: 'followed', account: other(2) }] })),
    ]);
    expect(groups.map((g) => g.length)).toEqual([1]);
    release();
    const firstResult = await first;
    const [withRule, dropped, filtered, signalOnly] = await results;
    expect(groups.map((g) => g.length)).toEqual([1, 4]);

    const [caseX] = firstResult.changedCaseIds;
    const caseY = withRule!.changedCaseIds.find((id) => id !== caseX);
    const zero = { stored: 0, duplicates: 0, echoes: 0, filtered: 0, changedCaseIds: [], ruleEffects: 0 };
    expect(withRule).toEqual({ ...zero, stored: 2, changedCaseIds: [caseX, caseY], ruleEffects: 1, failingRules: [] });
    expect(dropped).toEqual({ ...zero, duplicates: 1, echoes: 1, failingRules: [] });
    expect(filtered).toEqual({ ...zero, stored: 1, filtered: 1, changedCaseIds: [caseY], failingRules: [] });
    expect(signalOnly).toEqual({ ...zero, failingRules: [] });
    expect(await count('messages')).toBe(4);
    expect(await count('cases')).toBe(2);
    // One feed's pages in submission order (the last cursor wins); each feed of the group written.
    expect(await cursors()).toEqual({ mentions: 'c2', 'search:x': 's1' });
    const followed = await f.database.db.selectFrom('events').select('id').where('type', '=', 'contact.followed');
    expect(await followed.execute()).toHaveLength(1);
  });

  it('a group stops at its bounds (never splitting a page) and keeps the submission order', async () => {
    const { queue, groups, release } = heldQueue({ pages: 3, items: 4 });
    const held = queue.submit(deps, page([inboundPost()]));
    const sizes = [1, 1, 1, 1, 3, 5];
    const submitted = sizes.map((size, index) =>
      queue.submit(
        deps,
        page(
          Array.from({ length: size }, () => inboundPost()),
          { nextCursor: `k${index + 1}` },
        ),
      ),
    );
    release();
    await held;
    expect((await Promise.all(submitted)).map((r) => r.stored)).toEqual(sizes);
    // Three pages at most; then four items at most; the five-item page alone.
    expect(groups.map((g) => g.map((p) => p.nextCursor))).toEqual([
      [undefined],
      ['k1', 'k2', 'k3'],
      ['k4', 'k5'],
      ['k6'],
    ]);
    expect(await cursors()).toEqual({ mentions: 'k6' });
    expect(await count('messages')).toBe(13);
  });

  it('a failing page fails alone: its group is tried again page by page, and the queue goes on', async () => {
    const { queue, groups, release } = heldQueue();
    const held = queue.submit(deps, page([inboundPost()]));
    const good1 = queue.submit(deps, page([inboundPost()]));
    // An invalid time cannot be stored: the page's transaction fails, its valid post rolled back with it.
    const bad = queue.submit(deps, page([inboundPost(), inboundPost({ createdAt: new Date(Number.NaN) })]));
    const good2 = queue.submit(deps, page([inboundPost()]));
    const rejected = expect(bad).rejects.toBeDefined();
    release();
    await held;
    await rejected;
    expect((await Promise.all([good1, good2])).map((r) => r.stored)).toEqual([1, 1]);
    expect(groups.map((g) => g.length)).toEqual([1, 3, 1, 1, 1]);
    expect(await count('messages')).toBe(3);
    const after = await queue.submit(deps, page([inboundPost()]));
    expect(after.stored).toBe(1);
  });

  it("pages of two channels never group, nor pages threaded differently; one channel's wait holds no other", async () => {
    const now = f.clock.now().getTime();
    const second: Row<'channels'> = {
      ...f.channel,
      id: newId(now),
      handle: 'acme_bis',
      external_account_id: '1400000000000000002',
    };
    await f.database.db.insertInto('channels').values(second).execute();
    const { queue, groups, release } = heldQueue();
    const held = queue.submit(deps, page([inboundPost()]));
    // The first channel's group is still held: the second channel's pages run meanwhile.
    expect((await queue.submit(deps, { ...page([inboundPost()]), channel: second })).stored).toBe(1);
    const waiting = [
      queue.submit(deps, page([inboundPost()])),
      queue.submit(deps, page([inboundPost()], { feed: 'webhook', threadByParent: true })),
      queue.submit(deps, page([inboundPost()])),
    ];
    expect((await queue.submit(deps, { ...page([inboundPost()]), channel: second })).stored).toBe(1);
    release();
    await held;
    expect((await Promise.all(waiting)).map((r) => r.stored)).toEqual([1, 1, 1]);
    expect(groups.map((g) => g.length)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const group of groups) expect(new Set(group.map((p) => p.channel.id)).size).toBe(1);
    expect(await count('messages')).toBe(6);
  });

  it("concurrent ingestPage calls for one channel group in the database's queue, one customer in one case", async () => {
    // The ingestion metric is counted once per transaction: it shows how the pages were grouped.
    const transactions: number[] = [];
    const metrics = { messagesIngested: { labels: () => ({ inc: (n: number) => transactions.push(n) }) } };
    const counted = { ...deps, metrics: metrics as unknown as Metrics };
    const pages = Array.from({ length: 6 }, () => page([inboundPost(), inboundPost()]));
    const results = await Promise.all(pages.map((p) => ingestPage(counted, p)));
    expect(results.map((r) => r.stored)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(transactions).toEqual([2, 10]);
    const cases = await f.database.db.selectFrom('cases').select(['id', 'message_count']).execute();
    expect(cases).toEqual([{ id: results[0]!.changedCaseIds[0], message_count: 12 }]);
    expect(new Set(results.flatMap((r) => r.changedCaseIds))).toEqual(new Set([cases[0]!.id]));
  });
});
