import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, CaseRestructureResult, MessagePage } from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { distribute } from '../src/modules/conversations/ingestion/stages/round-robin.ts';
import { markPresent } from '../src/modules/presence/presence.store.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

interface ApiError {
  error: { code: string };
}

/** Issue 13, cases that stay readable: split, merge, the silence rule, round-robin, long threads in pages. */
describe.each(TEST_DIALECTS)('case structure (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, sandbox, mention, customer, brand } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await start({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
  const casesOf = async (handle: string) =>
    (await api<CaseList>('GET', '/api/cases?limit=50')).body.cases.filter((c) => c.contact.handle === handle);
  const texts = (d: CaseDetail) => d.messages.map((m) => m.text);
  const dm = (username: string, text: string) => sandbox().sendDm(customer(username).id, brand().id, text);
  /** Minutes pass as the desk polls (DMs are paced) until every message the sandbox holds is stored. */
  const step = async () => {
    const stored = async () =>
      Number(
        (
          await app.deps.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const start = await stored();
    for (let round = 0; round < 30 && (await stored()) === start; round++) {
      clock.advanceBy(60_000);
      await app.pollAndWork();
    }
  };
  const settings = (body: object) =>
    api('PUT', '/api/workspace/case-settings', { afterResolved: 'reopen', assignOnReply: true, ...body });

  it('splits a case at a message: the rest becomes a new case with its history, clocks and events', async () => {
    mention('nora_b', '@acme_sav my parcel is late');
    await step();
    dm('nora_b', 'order 5512, thanks');
    await step();
    mention('nora_b', '@acme_sav also your app crashes on login');
    await step();
    dm('nora_b', 'the crash again today');
    await step();
    const [only] = await casesOf('nora_b');
    const before = await detail(only!.id);
    expect(texts(before)).toHaveLength(4);
    const at = before.messages[2]!;

    const refused = await api<ApiError>('POST', `/api/cases/${only!.id}/split`, {
      atMessageId: before.messages[0]!.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('split.first_message');

    const split = await api<CaseRestructureResult>('POST', `/api/cases/${only!.id}/split`, { atMessageId: at.id });
    expect(split.status).toBe(201);
    expect(split.body.movedMessages).toBe(2);
    const [kept, fresh] = [await detail(only!.id), await detail(split.body.case.id)];
    expect(texts(kept)).toEqual(['@acme_sav my parcel is late', 'order 5512, thanks']);
    expect(texts(fresh)).toEqual(['@acme_sav also your app crashes on login', 'the crash again today']);
    expect(kept.case.messageCount).toBe(2);
    expect(fresh.case.messageCount).toBe(2);
    expect(fresh.case.openedAt).toBe(at.createdAt);
    expect(fresh.splitFromCaseId).toBe(only!.id);
    expect(kept.history.map((e) => e.type)).toContain('case.split');
    expect(fresh.history.map((e) => e.type)).toEqual(expect.arrayContaining(['message.received', 'case.split_from']));
    // The received events of the moved messages moved with them; none stayed behind on the old case.
    const receivedOld = kept.history.filter((e) => e.type === 'message.received');
    expect(receivedOld).toHaveLength(2);
    const running = await app.deps.db
      .selectFrom('sla_clocks')
      .select('case_id')
      .where('stopped_at', 'is', null)
      .execute();
    // The customer waits in the new case: its response and resolution clocks run there, none on the old one.
    expect(running.length).toBeGreaterThan(0);
    expect(new Set(running.map((r) => r.case_id))).toEqual(new Set([split.body.case.id]));
    const audit = await app.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.split').execute();
    expect(audit).toHaveLength(1);

    // The DM thread was cut at the split: the customer's next DM joins the new case, not the old one.
    dm('nora_b', 'any news?');
    await step();
    expect(texts(await detail(split.body.case.id))).toContain('any news?');
    expect(texts(await detail(only!.id))).not.toContain('any news?');
  });

  it('merges two cases of one customer and refuses another customer’s', async () => {
    mention('omar_t', '@acme_sav refund please');
    await step();
    const [first] = await casesOf('omar_t');
    await api('POST', `/api/cases/${first!.id}/notes`, { body: 'called him' });
    await api('POST', `/api/cases/${first!.id}/tags`, { name: 'refund' });
    await api('POST', `/api/cases/${first!.id}/status`, { status: 'resolved' });
    mention('omar_t', '@acme_sav still no refund');
    await step();
    const second = (await casesOf('omar_t')).find((c) => c.id !== first!.id)!;
    await api('POST', `/api/cases/${second.id}/tags`, { name: 'urgent' });
    mention('pia_l', '@acme_sav hello');
    await step();
    const [other] = await casesOf('pia_l');

    const refused = await api<ApiError>('POST', `/api/cases/${second.id}/merge`, { absorbedCaseId: other!.id });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('merge.different_customers');
    expect(texts(await detail(other!.id))).toEqual(['@acme_sav hello']);

    const merged = await api<CaseRestructureResult>('POST', `/api/cases/${second.id}/merge`, {
      absorbedCaseId: first!.id,
    });
    expect(merged.status).toBe(200);
    const survivor = await detail(second.id);
    expect(texts(survivor)).toEqual(['@acme_sav refund please', '@acme_sav still no refund']);
    expect(survivor.notes.map((n) => n.body)).toEqual(['called him']);
    expect(survivor.case.tags.map((t) => t.name).sort()).toEqual(['refund', 'urgent']);
    expect(survivor.case.messageCount).toBe(2);
    expect(survivor.history.map((e) => e.type)).toContain('case.merged');
    const absorbed = await detail(first!.id);
    expect(absorbed.case.status).toBe('resolved');
    expect(absorbed.mergedIntoCaseId).toBe(second.id);
    expect(absorbed.messages).toEqual([]);
    expect(absorbed.history.map((e) => e.type)).toContain('case.merged_into');
    const again = await api<ApiError>('POST', `/api/cases/${second.id}/merge`, { absorbedCaseId: first!.id });
    expect(again.body.error.code).toBe('case.already_merged');
  });

  it('opens a new case when the customer writes after N hours of silence (idle case)', async () => {
    expect((await settings({ newCaseAfterSilenceHours: 3 })).status).toBe(200);
    dm('rita_s', 'my box is down');
    await step();
    dm('rita_s', 'still down');
    await step();
    expect(await casesOf('rita_s')).toHaveLength(1);
    clock.advanceBy(3 * 3_600_000);
    dm('rita_s', 'new problem: invoice');
    await step();
    dm('rita_s', 'invoice 88');
    await step();
    const cases = await casesOf('rita_s');
    expect(cases).toHaveLength(2);
    const newest = cases.find((c) => c.preview.includes('invoice 88'))!;
    expect(newest.messageCount).toBe(2);

    // Off: the same silence revives the case.
    await settings({ newCaseAfterSilenceHours: null });
    clock.advanceBy(5 * 3_600_000);
    dm('rita_s', 'thanks');
    await step();
    expect(await casesOf('rita_s')).toHaveLength(2);
  });

  it('assigns new cases in turn to the agents present, by team', async () => {
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const add = (name: string) =>
      addAgent(app.deps, {
        workspaceId,
        email: `${name}@acme.test`,
        name,
        role: 'agent',
        password: 'a long enough password',
      });
    const [ana, ben, cleo] = [await add('ana'), await add('ben'), await add('cleo')];
    await settings({ roundRobin: true });
    const now = clock.now().getTime();
    await markPresent(app.deps.db, { agentId: ana.id, workspaceId }, now);
    await markPresent(app.deps.db, { agentId: ben.id, workspaceId }, now);
    // Cleo's tab closed long ago: not present.
    await markPresent(app.deps.db, { agentId: cleo.id, workspaceId }, now - 3_600_000);
    for (const name of ['u_one', 'u_two', 'u_three', 'u_four']) mention(name, `@acme_sav help from ${name}`);
    clock.advanceBy(30_000);
    await app.pollAndWork();
    const cases = (await api<CaseList>('GET', '/api/cases?limit=50')).body.cases;
    expect(cases).toHaveLength(4);
    const counts = new Map<string, number>();
    for (const c of cases) counts.set(c.assignee?.name ?? '-', (counts.get(c.assignee?.name ?? '-') ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ ana: 2, ben: 2 });
    const history = await detail(cases[0]!.id);
    expect(history.history.find((e) => e.type === 'case.assigned')?.payload).toMatchObject({ reason: 'round_robin' });
  });

  it('reads a long thread in keyset pages, newest first', async () => {
    mention('long_t', '@acme_sav first');
    await step();
    const [theCase] = await casesOf('long_t');
    const row = await app.deps.db
      .selectFrom('messages')
      .selectAll()
      .where('text', '=', '@acme_sav first')
      .executeTakeFirstOrThrow();
    const base = Number(row.created_at);
    const rows = Array.from({ length: 249 }, (_, i) => ({
      ...row,
      id: newId(base + 1 + i),
      external_id: `long-${i}`,
      text: `message ${i + 1}`,
      // Pairs share a time: the id breaks the tie.
      created_at: base + 1 + Math.floor(i / 2),
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await app.deps.db
        .insertInto('messages')
        .values(rows.slice(i, i + 100))
        .execute();
    }
    const latest = await detail(theCase!.id);
    expect(latest.messages).toHaveLength(100);
    expect(latest.messages.at(-1)!.text).toBe('message 249');
    const seen = [...latest.messages.map((m) => m.id)];
    let cursor = latest.olderMessagesCursor ?? null;
    let pages = 1;
    while (cursor) {
      const page = (await api<MessagePage>('GET', `/api/cases/${theCase!.id}/messages?before=${cursor}&limit=100`))
        .body;
      seen.unshift(...page.messages.map((m) => m.id));
      cursor = page.olderCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const all = await app.deps.db.selectFrom('messages').select('id').orderBy('created_at').orderBy('id').execute();
    expect(seen).toEqual(all.map((m) => m.id));
  });
});

describe('round-robin distribution', () => {
  const agent = (id: string, turn: number, teams: string[] = []) => ({ id, name: id, turn, teamIds: new Set(teams) });
  it('gives each case to the agent whose turn it is, within the case’s team', () => {
    const agents = [agent('a', 0, ['t1']), agent('b', 5, ['t1']), agent('c', 0, ['t2'])];
    const cases = [
      { id: '1', teamId: 't1' },
      { id: '2', teamId: 't1' },
      { id: '3', teamId: 't1' },
      { id: '4', teamId: null },
      { id: '5', teamId: 't3' },
    ];
    const { chosen } = distribute(cases, agents, 100);
    expect(Object.fromEntries(chosen)).toEqual({ a: ['1', '3'], b: ['2'], c: ['4'] });
  });
});
