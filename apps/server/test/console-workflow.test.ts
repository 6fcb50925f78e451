import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AgentList,
  CaseDetail,
  CaseList,
  CaseSummary,
  ContactProfile,
  Note,
  QueueOverview,
  RealtimeEvent,
  Template,
} from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { wakeDueSnoozes } from '../src/modules/cases/cases.workflow.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

/** The agent console's workflow and queue, through the HTTP API, on every database. */
describe.each(TEST_DIALECTS)('the agent console (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, sandbox, mention: post } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await startDesk({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const list = async (query = '') => (await api<CaseList>('GET', `/api/cases${query}`)).body.cases;
  const overview = async () => (await api<QueueOverview>('GET', '/api/cases/overview')).body;
  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;

  async function mention(username: string, name: string, text: string) {
    const tweet = post(username, text, name);
    clock.advanceBy(1000);
    return tweet;
  }

  async function twoCases() {
    // One poll each, so that the cases open at different times (the queue's age order).
    await mention('camille_durand', 'Camille Durand', '@acme_sav Mon colis 100% perdu, commande 4411');
    await app.pollAndWork();
    await mention('john_smith', 'John Smith', '@acme_sav How do I reset my password?');
    await app.pollAndWork();
    const cases = await list();
    const camille = cases.find((c) => c.contact.handle === 'camille_durand')!;
    const john = cases.find((c) => c.contact.handle === 'john_smith')!;
    return { camille, john };
  }

  async function secondAgent(role: 'agent' | 'lead' = 'agent') {
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const added = await addAgent(app.deps, {
      workspaceId,
      email: `${role}-two@acme.test`,
      name: 'Julie Dupont',
      role,
      password: 'another long password',
    });
    return { id: added.id, cookie: await app.signIn({ email: added.email, password: added.password }) };
  }

  it('changes status with events, snoozes until a date with a reminder, and lists the history with names', async () => {
    const { camille } = await twoCases();
    const events: RealtimeEvent[] = [];
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    app.deps.realtime.subscribe(workspaceId, (event) => events.push(event));

    const pending = await api<CaseSummary>('POST', `/api/cases/${camille.id}/status`, { status: 'pending' });
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending');
    clock.advanceBy(1000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'case.changed', caseId: camille.id }));

    const noDate = await api<{ error: { code: string } }>('POST', `/api/cases/${camille.id}/status`, {
      status: 'snoozed',
    });
    expect(noDate.status).toBe(400);
    const past = await api<{ error: { code: string } }>('POST', `/api/cases/${camille.id}/status`, {
      status: 'snoozed',
      snoozeUntil: new Date(clock.now().getTime() - 60_000).toISOString(),
    });
    expect(past.body.error.code).toBe('case.snooze_in_past');

    const until = new Date(clock.now().getTime() + 24 * 3600_000).toISOString();
    const snoozed = await api<CaseSummary>('POST', `/api/cases/${camille.id}/status`, {
      status: 'snoozed',
      snoozeUntil: until,
      reminder: 'Ask whether the repair is back',
    });
    expect(snoozed.body.snooze).toEqual({ until, reminder: 'Ask whether the repair is back' });
    clock.advanceBy(1000);
    expect((await list('?view=snoozed')).map((c) => c.id)).toEqual([camille.id]);
    expect((await overview()).counts).toMatchObject({ snoozed: 1, all: 2, resolved: 0 });

    const resolved = await api<CaseSummary>('POST', `/api/cases/${camille.id}/status`, { status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', snooze: null });
    expect((await list('?view=resolved')).map((c) => c.id)).toEqual([camille.id]);
    expect((await list('?view=all')).map((c) => c.id)).not.toContain(camille.id);

    const { history } = await detail(camille.id);
    const agentEvents = history.filter((e) => e.actor.type === 'agent');
    expect(agentEvents.map((e) => e.type).sort()).toEqual([
      'case.resolved',
      'case.snoozed',
      'case.status_changed',
      'case.status_changed',
      'case.status_changed',
    ]);
    expect(agentEvents[0]).toMatchObject({ actor: { name: 'Admin' }, payload: { from: 'open', to: 'pending' } });
    expect(history.find((e) => e.type === 'case.opened')).toMatchObject({ actor: { type: 'system', name: null } });

    // A resolved case that is reopened by an agent says so.
    await api('POST', `/api/cases/${camille.id}/status`, { status: 'open' });
    expect((await detail(camille.id)).history.map((e) => e.type)).toContain('case.reopened');
  });

  it('wakes a snoozed case when its date comes, with the reminder', async () => {
    const { john } = await twoCases();
    await api('POST', `/api/cases/${john.id}/status`, {
      status: 'snoozed',
      snoozeUntil: new Date(clock.now().getTime() + 3600_000).toISOString(),
      reminder: 'Check the refund',
    });
    expect(await wakeDueSnoozes(app.deps)).toBe(0);
    clock.advanceBy(3600_000);
    expect(await wakeDueSnoozes(app.deps)).toBe(1);
    expect(await wakeDueSnoozes(app.deps)).toBe(0);
    const { case: woken, history } = await detail(john.id);
    expect(woken).toMatchObject({ status: 'open', snooze: null });
    expect(history.at(-1)).toMatchObject({
      type: 'case.status_changed',
      actor: { type: 'system' },
      payload: { from: 'snoozed', to: 'open', reason: 'snooze_due', reminder: 'Check the refund' },
    });
  });

  it('assigns to agents and teams, and the Mine and Unassigned views follow', async () => {
    const { camille, john } = await twoCases();
    const me = (await api<{ agent: { id: string } }>('GET', '/api/auth/session')).body.agent.id;
    const julie = await secondAgent();
    const agents = (await api<AgentList>('GET', '/api/agents')).body.agents;
    expect(agents.map((a) => a.name)).toEqual(['Admin', 'Julie Dupont']);

    const assigned = await api<CaseSummary>('POST', `/api/cases/${camille.id}/assignment`, { agentId: me });
    expect(assigned.body.assignee).toEqual({ id: me, name: 'Admin' });
    expect((await list('?view=mine')).map((c) => c.id)).toEqual([camille.id]);
    expect((await list('?view=unassigned')).map((c) => c.id)).toEqual([john.id]);
    expect((await overview()).counts).toMatchObject({ mine: 1, unassigned: 1, all: 2 });
    // Julie's "mine" is her own.
    expect((await api<CaseList>('GET', '/api/cases?view=mine', undefined, julie.cookie)).body.cases).toEqual([]);
    expect((await list(`?assigneeId=${me}`)).map((c) => c.id)).toEqual([camille.id]);

    const team = await api<{ id: string }>('POST', '/api/teams', { name: 'Billing', memberIds: [julie.id] });
    expect(team.status).toBe(201);
    const toTeam = await api<CaseSummary>('POST', `/api/cases/${john.id}/assignment`, {
      agentId: julie.id,
      teamId: team.body.id,
    });
    expect(toTeam.body).toMatchObject({ assignee: { name: 'Julie Dupont' }, team: { name: 'Billing' } });
    expect((await detail(john.id)).history.map((e) => e.type)).toEqual(
      expect.arrayContaining(['case.assigned', 'case.team_changed']),
    );

    const unknown = await api<{ error: { code: string } }>('POST', `/api/cases/${john.id}/assignment`, {
      agentId: 'nobody',
    });
    expect(unknown.body.error.code).toBe('agent.not_found');
    const unassigned = await api<CaseSummary>('POST', `/api/cases/${camille.id}/assignment`, { agentId: null });
    expect(unassigned.body.assignee).toBeNull();
    // Only leads and admins create teams.
    expect((await api('POST', '/api/teams', { name: 'Nope' }, julie.cookie)).status).toBe(403);
  });

  it('tags cases (one tag whatever the case of its letters), filters by tag, and untags', async () => {
    const { camille, john } = await twoCases();
    const tagged = await api<CaseSummary>('POST', `/api/cases/${camille.id}/tags`, { name: 'Refund' });
    expect(tagged.body.tags.map((t) => t.name)).toEqual(['Refund']);
    await api('POST', `/api/cases/${john.id}/tags`, { name: ' refund ' });
    await api('POST', `/api/cases/${john.id}/tags`, { name: 'refund' });
    const tags = (await api<{ tags: { id: string; name: string }[] }>('GET', '/api/tags')).body.tags;
    expect(tags).toHaveLength(1);
    const tagId = tags[0]!.id;
    expect((await list(`?tagId=${tagId}`)).map((c) => c.id).sort()).toEqual([camille.id, john.id].sort());

    const untagged = await api<CaseSummary>('DELETE', `/api/cases/${john.id}/tags/${tagId}`);
    expect(untagged.body.tags).toEqual([]);
    expect((await list(`?tagId=${tagId}`)).map((c) => c.id)).toEqual([camille.id]);
    const types = (await detail(john.id)).history.map((e) => e.type);
    expect(types.filter((t) => t === 'case.tagged')).toHaveLength(1);
    expect(types).toContain('case.untagged');
  });

  it('keeps internal notes on the case and never sends them', async () => {
    const { camille } = await twoCases();
    const note = await api<Note>('POST', `/api/cases/${camille.id}/notes`, {
      body: 'Called the carrier: parcel <b>lost</b>',
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ body: 'Called the carrier: parcel <b>lost</b>', author: { name: 'Admin' } });
    await app.worker.drain();
    const loaded = await detail(camille.id);
    expect(loaded.notes.map((n) => n.body)).toEqual(['Called the carrier: parcel <b>lost</b>']);
    expect(loaded.messages.every((m) => m.direction === 'inbound')).toBe(true);
    expect(loaded.history.map((e) => e.type)).toContain('note.added');
    expect(
      sandbox()
        .listTweets({})
        .some((t) => t.text.includes('carrier')),
    ).toBe(false);
    expect((await api('POST', `/api/cases/${camille.id}/notes`, { body: '  ' })).status).toBe(400);
  });

  it('searches message text and names, case-insensitively, with % and _ taken literally', async () => {
    const { camille, john } = await twoCases();
    expect((await list('?q=PASSWORD')).map((c) => c.id)).toEqual([john.id]);
    expect((await list('?q=colis')).map((c) => c.id)).toEqual([camille.id]);
    expect((await list('?q=camille')).map((c) => c.id)).toEqual([camille.id]);
    expect((await list('?q=100%25')).map((c) => c.id)).toEqual([camille.id]);
    expect(await list('?q=%25%25%25x')).toEqual([]);
    // "Mon_colis" would match "Mon colis" if _ were a wildcard.
    expect(await list('?q=Mon_colis')).toEqual([]);
  });

  it('sorts by priority then age with stable keyset pages, and filters by channel and status', async () => {
    const { camille, john } = await twoCases();
    await mention('third_one', 'Third One', '@acme_sav hello');
    await app.pollAndWork();
    const third = (await list()).find((c) => c.contact.handle === 'third_one')!;
    await app.deps.db.updateTable('cases').set({ priority: 1 }).where('id', '=', third.id).execute();

    const order: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?view=all&sort=priority&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api<CaseList>('GET', `/api/cases${query}`)).body;
      order.push(...page.cases.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    // Urgent first; then the case open the longest.
    expect(order).toEqual([third.id, camille.id, john.id]);

    expect((await list(`?channelId=${camille.channelId}`)).length).toBe(3);
    expect(await list('?channelId=other')).toEqual([]);
    await api('POST', `/api/cases/${john.id}/status`, { status: 'pending' });
    expect((await list('?view=all&status=pending')).map((c) => c.id)).toEqual([john.id]);
  });

  it('assigns, tags and resolves in bulk, ignoring cases of other workspaces', async () => {
    const { camille, john } = await twoCases();
    const me = (await api<{ agent: { id: string } }>('GET', '/api/auth/session')).body.agent.id;
    const ids = [camille.id, john.id, 'not-a-case'];
    expect(
      (await api('POST', '/api/cases/bulk', { caseIds: ids, action: { type: 'assign', agentId: me } })).body,
    ).toEqual({ updated: 2 });
    expect(
      (await api('POST', '/api/cases/bulk', { caseIds: ids, action: { type: 'tag', name: 'Outage' } })).body,
    ).toEqual({
      updated: 2,
    });
    expect((await api('POST', '/api/cases/bulk', { caseIds: ids, action: { type: 'resolve' } })).body).toEqual({
      updated: 2,
    });
    const resolved = await list('?view=resolved');
    expect(resolved).toHaveLength(2);
    expect(resolved.every((c) => c.assignee?.id === me && c.tags[0]?.name === 'Outage')).toBe(true);
    expect((await api('POST', '/api/cases/bulk', { caseIds: ['nope'], action: { type: 'resolve' } })).body).toEqual({
      updated: 0,
    });
  });

  it('refuses a second agent’s reply to a message another agent just answered, unless confirmed', async () => {
    const { john } = await twoCases();
    const julie = await secondAgent();
    const first = await api('POST', `/api/cases/${john.id}/replies`, { text: 'Hi John, here is how. ^AD' });
    expect(first.status).toBe(202);
    const second = await api<{ error: { code: string; details: { agentName: string } } }>(
      'POST',
      `/api/cases/${john.id}/replies`,
      { text: 'Hello John! ^JD' },
      julie.cookie,
    );
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'reply.already_answered', details: { agentName: 'Admin' } });
    // The same agent adding to their own answer is not a collision.
    expect((await api('POST', `/api/cases/${john.id}/replies`, { text: 'One more thing. ^AD' })).status).toBe(202);
    const confirmed = await api(
      'POST',
      `/api/cases/${john.id}/replies`,
      { text: 'Hello! ^JD', confirm: true },
      julie.cookie,
    );
    expect(confirmed.status).toBe(202);

    // Once delivered and a few minutes old, the answer no longer blocks a follow-up.
    await app.worker.drain();
    clock.advanceBy(6 * 60_000);
    expect((await api('POST', `/api/cases/${john.id}/replies`, { text: 'Any news? ^JD' }, julie.cookie)).status).toBe(
      202,
    );
  });

  it('fans presence out over the realtime bus', async () => {
    const { john } = await twoCases();
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const events: RealtimeEvent[] = [];
    app.deps.realtime.subscribe(workspaceId, (event) => events.push(event));
    expect((await api('POST', `/api/cases/${john.id}/presence`, { state: 'typing' })).status).toBe(204);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'presence',
        caseId: john.id,
        state: 'typing',
        agent: expect.objectContaining({ name: 'Admin' }),
      }),
    ]);
    expect((await api('POST', '/api/cases/nope/presence', { state: 'viewing' })).status).toBe(404);
  });

  it('shows a contact’s profile, every case, notes and tags', async () => {
    const { camille } = await twoCases();
    await api('POST', `/api/cases/${camille.id}/status`, { status: 'resolved' });
    await mention('camille_durand', 'Camille Durand', '@acme_sav encore moi');
    await app.pollAndWork();
    const contactId = camille.contact.id;
    await api('POST', `/api/contacts/${contactId}/notes`, { body: 'Prefers to be called in the morning' });
    const tagged = await api<ContactProfile>('POST', `/api/contacts/${contactId}/tags`, { name: 'VIP' });
    expect(tagged.body.tags.map((t) => t.name)).toEqual(['VIP']);
    const profile = (await api<ContactProfile>('GET', `/api/contacts/${contactId}`)).body;
    expect(profile).toMatchObject({
      name: 'Camille Durand',
      identities: [{ network: 'x', handle: 'camille_durand', verified: false }],
      notes: [{ body: 'Prefers to be called in the morning', author: { name: 'Admin' } }],
    });
    expect(profile.cases.length).toBeGreaterThanOrEqual(1);
    expect(profile.cases.some((c) => c.id === camille.id)).toBe(true);
    const untagged = await api<ContactProfile>('DELETE', `/api/contacts/${contactId}/tags/${tagged.body.tags[0]!.id}`);
    expect(untagged.body.tags).toEqual([]);
    expect((await api('GET', '/api/contacts/nobody')).status).toBe(404);
  });

  it('lets leads manage saved replies and reply settings, and agents only read them', async () => {
    const created = await api<Template>('POST', '/api/templates', {
      name: 'Greeting',
      shortcut: 'hello',
      language: 'fr',
      body: '{{greeting}} {{customer.name}} ! {{agent.initials}}',
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/api/templates', { name: 'Again', shortcut: 'hello', body: 'x' })).status).toBe(409);
    const changed = await api<Template>('PUT', `/api/templates/${created.body.id}`, {
      name: 'Greeting',
      shortcut: 'hi',
      language: 'fr',
      body: '{{greeting}} !',
    });
    expect(changed.body).toMatchObject({ shortcut: 'hi', body: '{{greeting}} !' });

    const settings = await api('PUT', '/api/reply-settings', {
      timeZone: 'America/Montreal',
      helpCenterUrl: 'https://help.acme.test',
      supportEmail: 'sav@acme.test',
      supportPhone: '01 23 45 67 89',
    });
    expect(settings.status).toBe(200);
    expect((await api('GET', '/api/reply-settings')).body).toMatchObject({ timeZone: 'America/Montreal' });
    expect(
      (
        await api('PUT', '/api/reply-settings', {
          timeZone: 'Mars/Olympus',
          helpCenterUrl: null,
          supportEmail: null,
          supportPhone: null,
        })
      ).status,
    ).toBe(400);

    const agent = await secondAgent('agent');
    expect(
      (await api<{ templates: Template[] }>('GET', '/api/templates', undefined, agent.cookie)).body.templates,
    ).toHaveLength(1);
    expect((await api('POST', '/api/templates', { name: 'x', shortcut: 'x', body: 'x' }, agent.cookie)).status).toBe(
      403,
    );
    expect((await api('DELETE', `/api/templates/${created.body.id}`, undefined, agent.cookie)).status).toBe(403);
    expect((await api('DELETE', `/api/templates/${created.body.id}`)).status).toBe(204);
    expect((await api<{ templates: Template[] }>('GET', '/api/templates')).body.templates).toEqual([]);
  });
});
