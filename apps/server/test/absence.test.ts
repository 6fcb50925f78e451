import { afterEach, describe, expect, it } from 'vitest';
import type { AbsenceOverview, CaseDetail, CaseList, SlaPolicies, TimeSettingsResponse } from '@guichet/contracts';
import { runAbsenceRound } from '../src/modules/absence/absence.jobs.ts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient, elapse as elapseOn } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const policies = (pauseDuringAbsence: boolean): SlaPolicies => ({
  policies: [1, 2, 3, 4].map((priority) => ({
    priority,
    firstResponseMinutes: 60,
    nextResponseMinutes: null,
    resolutionMinutes: null,
    businessHours: false,
    pauseWhenPending: true,
    pauseDuringAbsence,
  })),
});

/** Away periods (F20) through the whole desk: DMs polled in, the scheduler's rounds, the outbox to X. */
describe.each(TEST_DIALECTS)('away periods (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const {
    start: startDesk,
    api,
    sandbox,
    brand,
    customer,
    round,
  } = deskClient(() => app, { renewExpiredSession: true });
  afterEach(async () => {
    await app.close();
  });

  async function start(at: string) {
    ({ app, clock } = await startDesk({ dialect, at: at, env: { GUICHET_DM_POLL_INTERVAL: '0.001' } }));
  }
  /** DMs the brand sent, per recipient username. */
  const awayDmsTo = (username: string) =>
    sandbox()
      .listDmEvents()
      .filter((e) => e.senderId === brand().id && e.text.includes('absente'))
      .filter((e) => e.recipientId === customer(username).id);
  const elapse = (ms: number, step = HOUR) => elapseOn(app, clock, ms, step);
  const caseOf = async (handle: string) => {
    const found = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.find(
      (c) => c.contact.handle === handle,
    );
    return (await api<CaseDetail>('GET', `/api/cases/${found!.id}`)).body;
  };

  it('answers each customer’s DM once per period, never public posts, and again in a new period', async () => {
    // Monday 5 January 2026, 18:30 in Paris.
    await start('2026-01-05T17:30:00Z');
    await api('PUT', '/api/sla/policies', policies(true));
    const settings = (await api<TimeSettingsResponse>('GET', '/api/time-settings')).body;
    expect(settings.settings.language).toBe('fr');

    // Before the period: a DM that nobody answers automatically.
    sandbox().sendDm(customer('nina_k').id, brand().id, 'bonjour, ma commande 4411 ?');
    await round();
    clock.advanceBy(MINUTE);
    const created = await api<AbsenceOverview>('POST', '/api/absence', {
      kind: 'end_of_day',
      endsAt: '2026-01-06T08:00:00Z',
      note: 'Bonne soirée !',
    });
    expect(created.status).toBe(201);
    expect(created.body.active).toMatchObject({
      kind: 'end_of_day',
      status: 'active',
      endsAt: '2026-01-06T08:00:00.000Z',
    });
    await round();
    // The status post, with the return time in the desk's time zone, published once.
    const statusPosts = sandbox()
      .listTweets({ authorId: brand().id })
      .filter((t) => t.text.startsWith('Notre équipe est absente'));
    expect(statusPosts.map((t) => t.text)).toEqual([
      'Notre équipe est absente pour le moment. Retour prévu mardi 6 janvier à 9 h. Bonne soirée !',
    ]);
    expect(awayDmsTo('nina_k')).toHaveLength(0);

    // During the period: Nina's DM is answered once; her second DM is not; a public mention never is.
    clock.advanceBy(10 * MINUTE);
    sandbox().sendDm(customer('nina_k').id, brand().id, 'vous êtes là ?');
    await round();
    expect(awayDmsTo('nina_k')).toHaveLength(1);
    expect(awayDmsTo('nina_k')[0]!.text).toContain('jusqu’à mardi 6 janvier à 9 h');
    clock.advanceBy(10 * MINUTE);
    sandbox().sendDm(customer('nina_k').id, brand().id, 'allô ?');
    sandbox().post(customer('paul_v').id, { text: '@acme_sav personne ne répond ?' });
    sandbox().sendDm(customer('lea_m').id, brand().id, 'ma box ne marche plus');
    await round();
    await elapse(3 * HOUR);
    expect(awayDmsTo('nina_k')).toHaveLength(1);
    expect(awayDmsTo('lea_m')).toHaveLength(1);
    expect(
      sandbox()
        .listDmEvents()
        .filter((e) => e.senderId === brand().id),
    ).toHaveLength(2);
    // Nothing public besides the status post: Paul's mention got no automatic reply.
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(1);
    expect(await app.deps.db.selectFrom('absence_replies').selectAll().execute()).toHaveLength(2);

    // The away message is the system's, not an agent's, and not the desk's first response.
    const nina = await caseOf('nina_k');
    const away = nina.messages.filter((m) => m.direction === 'outbound');
    expect(away).toHaveLength(1);
    expect(away[0]).toMatchObject({ visibility: 'direct', deliveryStatus: 'sent' });
    expect(nina.history.some((e) => e.type === 'case.absence_marked')).toBe(true);
    const list = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases;
    expect(list.find((c) => c.contact.handle === 'nina_k')!.sla).toMatchObject({ metric: 'first_response' });
    expect((await caseOf('paul_v')).history.some((e) => e.type === 'case.absence_marked')).toBe(true);

    // The period ends at its return time.
    await elapse(13 * HOUR);
    expect((await api<AbsenceOverview>('GET', '/api/absence')).body.active).toBeNull();
    clock.advanceBy(HOUR);
    sandbox().sendDm(customer('nina_k').id, brand().id, 'bon, je réessaie');
    await round();
    expect(awayDmsTo('nina_k')).toHaveLength(1);

    // A new period the next evening answers her again, once.
    await elapse(Date.parse('2026-01-06T17:30:00Z') - clock.now().getTime());
    const second = await api<AbsenceOverview>('POST', '/api/absence', {
      kind: 'end_of_day',
      endsAt: '2026-01-07T08:00:00Z',
    });
    expect(second.status).toBe(201);
    clock.advanceBy(MINUTE);
    sandbox().sendDm(customer('nina_k').id, brand().id, 'toujours rien ?');
    await round();
    sandbox().sendDm(customer('nina_k').id, brand().id, 'toujours rien ??');
    await round();
    expect(awayDmsTo('nina_k')).toHaveLength(2);
    // A second status post, for the second period only.
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(2);
  });

  it('answers once even when two schedulers run the same round at the same moment', async () => {
    await start('2026-01-05T19:00:00Z');
    expect((await api('POST', '/api/absence', { kind: 'incident', endsAt: '2026-01-06T08:00:00Z' })).status).toBe(201);
    clock.advanceBy(MINUTE);
    for (const name of ['ana_p', 'bob_q', 'cyd_r']) sandbox().sendDm(customer(name).id, brand().id, `help ${name}`);
    // The DMs come in; then five rounds race for the same customers.
    await app.scheduler.tick();
    await app.worker.drain();
    const results = await Promise.all(Array.from({ length: 5 }, () => runAbsenceRound(app.deps)));
    expect(results.reduce((sum, r) => sum + r.answered, 0)).toBe(3);
    await app.worker.drain();
    await round();
    for (const name of ['ana_p', 'bob_q', 'cyd_r']) expect(awayDmsTo(name)).toHaveLength(1);
    const queued = await app.deps.db.selectFrom('messages').select('id').where('kind', '=', 'away_message').execute();
    expect(queued).toHaveLength(3);
  });

  it('stops the SLA clocks during the period when the policy says so, and not otherwise', async () => {
    await start('2026-01-05T16:00:00Z');
    await api('PUT', '/api/sla/policies', policies(true));
    sandbox().post(customer('paused_p').id, { text: '@acme_sav my order is late' });
    await round();
    await api('PUT', '/api/sla/policies', policies(false));
    sandbox().post(customer('running_r').id, { text: '@acme_sav my invoice is wrong' });
    await round();
    const dueOf = async (handle: string) =>
      (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.find((c) => c.contact.handle === handle)!.sla;
    expect((await dueOf('paused_p'))!.dueAt).toBe('2026-01-05T17:00:00.000Z');
    expect((await dueOf('running_r'))!.dueAt).toBe('2026-01-05T17:00:00.000Z');

    // Half an hour later, the team leaves until 08:00: 30 minutes are left, counted from 08:00.
    clock.advanceBy(30 * MINUTE);
    expect((await api('POST', '/api/absence', { kind: 'incident', endsAt: '2026-01-06T08:00:00Z' })).status).toBe(201);
    expect((await dueOf('paused_p'))!.dueAt).toBe('2026-01-06T08:30:00.000Z');
    expect((await dueOf('running_r'))!.dueAt).toBe('2026-01-05T17:00:00.000Z');
    await elapse(12 * HOUR);
    expect((await dueOf('paused_p'))!.state).toBe('running');
    expect((await dueOf('running_r'))!.state).toBe('breached');

    // Back early at 06:30 (ended now): the 30 minutes left count from then.
    await elapse(Date.parse('2026-01-06T06:30:00Z') - clock.now().getTime());
    const overview = (await api<AbsenceOverview>('GET', '/api/absence')).body;
    expect((await api('POST', `/api/absence/${overview.active!.id}/end`)).status).toBe(200);
    expect((await dueOf('paused_p'))!.dueAt).toBe('2026-01-06T07:00:00.000Z');
    await elapse(31 * MINUTE, MINUTE * 31);
    expect((await dueOf('paused_p'))!.state).toBe('breached');
  });

  it('plans a period that starts on its own at its time; leads manage, agents only read', async () => {
    await start('2026-01-05T10:00:00Z');
    const planned = await api<AbsenceOverview>('POST', '/api/absence', {
      kind: 'holidays',
      startsAt: '2026-01-09T17:00:00Z',
      endsAt: '2026-01-12T08:00:00Z',
      note: 'Fermeture annuelle <script>alert(1)</script>',
    });
    expect(planned.status).toBe(201);
    expect(planned.body.active).toBeNull();
    expect(planned.body.periods[0]).toMatchObject({
      status: 'planned',
      note: 'Fermeture annuelle <script>alert(1)</script>',
    });
    // Overlapping and backwards periods are refused with a reason.
    const overlap = await api<{ error: { code: string } }>('POST', '/api/absence', {
      kind: 'incident',
      startsAt: '2026-01-10T10:00:00Z',
      endsAt: '2026-01-10T12:00:00Z',
    });
    expect(overlap).toMatchObject({ status: 409, body: { error: { code: 'absence.overlap' } } });
    const backwards = await api<{ error: { code: string } }>('POST', '/api/absence', {
      kind: 'incident',
      startsAt: '2026-01-07T10:00:00Z',
      endsAt: '2026-01-07T09:00:00Z',
    });
    expect(backwards).toMatchObject({ status: 400, body: { error: { code: 'absence.ends_before_start' } } });

    await elapse(5 * DAY, 6 * HOUR);
    const under = (await api<AbsenceOverview>('GET', '/api/absence')).body;
    expect(under.active).toMatchObject({ kind: 'holidays', startedAt: '2026-01-09T17:00:00.000Z' });
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(1);
    await elapse(2 * DAY, 6 * HOUR);
    const after = (await api<AbsenceOverview>('GET', '/api/absence')).body;
    expect(after.active).toBeNull();
    expect(after.periods[0]).toMatchObject({ status: 'ended', endedAt: '2026-01-12T08:00:00.000Z' });
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await addAgent(app.deps, {
      workspaceId,
      email: 'agent@acme.test',
      name: 'Julie Dupont',
      role: 'agent',
      password: 'another long password',
    });
    const agentCookie = await app.signIn({ email: 'agent@acme.test', password: 'another long password' });
    expect((await api('GET', '/api/absence', undefined, agentCookie)).status).toBe(200);
    expect(
      (await api('POST', '/api/absence', { kind: 'incident', endsAt: '2026-01-13T08:00:00Z' }, agentCookie)).status,
    ).toBe(403);
    const events = await app.deps.db.selectFrom('events').select('type').where('type', 'like', 'absence.%').execute();
    expect(events.map((e) => e.type).sort()).toEqual(['absence.ended', 'absence.planned', 'absence.started']);
  });
});
