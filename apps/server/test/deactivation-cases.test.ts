import type { CaseDetail, CaseList, RealtimeEvent } from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import { invitedAgent } from './team-kit.ts';
import type { TestApp } from './test-app.ts';

/** A deactivated agent's unresolved cases go back to the queue, at once and with a reason (issue 14's gap). */
describe.each(TEST_DIALECTS)('deactivating an agent who holds cases (%s)', (dialect) => {
  let app: TestApp;
  const { start, api, mention, cookie } = deskClient(() => app);
  beforeEach(async () => {
    ({ app } = await start({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const caseOf = async (handle: string) =>
    (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.find((c) => c.contact.handle === handle)!;

  it('returns their open cases to the unassigned queue and keeps the resolved ones credited to them', async () => {
    mention('lea_martin', '@acme_sav Mon colis est bloqué depuis une semaine');
    mention('tom_baker', '@acme_sav My refund never arrived');
    mention('ana_ruiz', '@acme_sav Gracias, todo bien ahora');
    await app.pollAndWork();
    const leaver = await invitedAgent(app, cookie(), 'leaving@acme.test');
    const [open, pending, done] = await Promise.all(['lea_martin', 'tom_baker', 'ana_ruiz'].map(caseOf));
    for (const held of [open!, pending!, done!]) {
      expect((await api('POST', `/api/cases/${held.id}/assignment`, { agentId: leaver.id })).status).toBe(200);
    }
    expect((await api('POST', `/api/cases/${pending!.id}/status`, { status: 'pending' })).status).toBe(200);
    expect((await api('POST', `/api/cases/${done!.id}/status`, { status: 'resolved' })).status).toBe(200);
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const heard: RealtimeEvent[] = [];
    app.deps.realtime.subscribe(workspaceId, (event) => heard.push(event));

    expect((await api('POST', `/api/admin/agents/${leaver.id}/deactivate`)).status).toBe(200);

    const after = await Promise.all(
      [open!, pending!, done!].map(async (held) => (await api<CaseDetail>('GET', `/api/cases/${held.id}`)).body.case),
    );
    expect(after.map((c) => c.assignee?.id ?? null)).toEqual([null, null, leaver.id]);
    expect(after.map((c) => c.status)).toEqual(['open', 'pending', 'resolved']);
    const detail = (await api<CaseDetail>('GET', `/api/cases/${open!.id}`)).body;
    expect(detail.history.at(-1)).toMatchObject({
      type: 'case.unassigned',
      payload: { previousAgentId: leaver.id, reason: 'agent_deactivated' },
    });
    const changed = heard.filter((event) => event.type === 'case.changed').map((event) => event.caseId);
    expect(changed.sort()).toEqual([open!.id, pending!.id].sort());
    const audit = await app.deps.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'agent.deactivated')
      .where('subject_id', '=', leaver.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ casesReturned: 2 });

    // Deactivating again changes nothing and returns nothing twice.
    expect((await api('POST', `/api/admin/agents/${leaver.id}/deactivate`)).status).toBe(200);
    const history = (await api<CaseDetail>('GET', `/api/cases/${open!.id}`)).body.history;
    expect(history.filter((event) => event.type === 'case.unassigned')).toHaveLength(1);
  });
});
