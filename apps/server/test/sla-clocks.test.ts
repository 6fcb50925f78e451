import { afterEach, describe, expect, it } from 'vitest';
import type {
  BusinessHoursSettings,
  CaseDetail,
  CaseList,
  QueueOverview,
  RealtimeEvent,
  SlaAlertList,
  SlaPolicies,
  SlaPolicy,
} from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const policies = (minutes: number, businessHours: boolean): SlaPolicies => ({
  policies: [1, 2, 3, 4].map((priority): SlaPolicy => ({
    priority,
    firstResponseMinutes: minutes,
    nextResponseMinutes: minutes,
    resolutionMinutes: null,
    businessHours,
    pauseWhenPending: true,
    pauseDuringAbsence: false,
  })),
});

/** SLA clocks through the whole desk: ingestion, the scheduler's sweep, replies delivered, statuses. */
describe.each(TEST_DIALECTS)('SLA clocks (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  // Weeks go by in these tests: the lead signs in again when the session has ended.
  const { start: startDesk, api, mention } = deskClient(() => app, { renewExpiredSession: true });
  afterEach(async () => {
    await app.close();
  });

  async function start(at: string) {
    ({ app, clock } = await startDesk({ dialect, at: at }));
  }
  const list = async (view: string) => (await api<CaseList>('GET', `/api/cases?view=${view}`)).body.cases;
  const counts = async () => (await api<QueueOverview>('GET', '/api/cases/overview')).body.counts;
  const caseOf = async (id: string) => (await api<CaseDetail>('GET', `/api/cases/${id}`)).body;

  /** A customer mentions the brand; the desk polls it in and the sweep starts its clocks. */
  async function customerWrites(username: string, text: string) {
    mention(username, text);
    await app.pollAndWork();
    await app.scheduler.tick();
    const found = (await list('all')).find((c) => c.contact.handle === username);
    expect(found).toBeDefined();
    return found!;
  }
  /** Time passes; the scheduler keeps running its rounds. */
  async function elapse(ms: number, step = HOUR) {
    for (let left = ms; left > 0; left -= step) {
      clock.advanceBy(Math.min(step, left));
      await app.scheduler.tick();
    }
  }
  async function reply(caseId: string, text: string) {
    const sent = await api('POST', `/api/cases/${caseId}/replies`, { text });
    expect(sent.status).toBe(202);
    await app.worker.drain();
    await app.scheduler.tick();
  }

  it('raises one breach with alerts to the assignee and the leads; the reply stops the clock', async () => {
    await start('2026-01-05T09:00:00Z');
    expect((await api('PUT', '/api/sla/policies', policies(60, false))).status).toBe(200);
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const heard: RealtimeEvent[] = [];
    app.deps.realtime.subscribe(workspaceId, (event) => heard.push(event));

    const opened = await customerWrites('nina_k', '@acme_sav my order never arrived');
    expect(opened.sla).toMatchObject({ metric: 'first_response', state: 'running', businessHours: false });
    expect(Date.parse(opened.sla!.dueAt!) - clock.now().getTime()).toBeLessThanOrEqual(HOUR);
    const agent = await addAgent(app.deps, {
      workspaceId,
      email: 'agent@acme.test',
      name: 'Julie Dupont',
      role: 'agent',
      password: 'another long password',
    });
    expect((await api('POST', `/api/cases/${opened.id}/assignment`, { agentId: agent.id })).status).toBe(200);

    await elapse(40 * MINUTE, 10 * MINUTE);
    expect((await list('breaching_soon')).map((c) => c.id)).toEqual([opened.id]);
    expect(await counts()).toMatchObject({ breaching_soon: 1, breached: 0 });

    await elapse(2 * WEEK, 6 * HOUR);
    expect((await list('breached')).map((c) => c.id)).toEqual([opened.id]);
    expect(await counts()).toMatchObject({ breaching_soon: 0, breached: 1 });
    const history = (await caseOf(opened.id)).history.filter((e) => e.type === 'sla.breached');
    expect(history).toHaveLength(1);
    expect(history[0]!.payload).toMatchObject({ metric: 'first_response', targetMinutes: 60 });
    const alerts = (await api<SlaAlertList>('GET', '/api/sla/alerts')).body;
    expect(alerts.unread).toBe(1);
    expect(alerts.alerts[0]).toMatchObject({ caseId: opened.id, metric: 'first_response', readAt: null });
    expect(heard.filter((e) => e.type === 'sla.breached')).toHaveLength(1);
    const alerted = await app.deps.db.selectFrom('sla_alerts').select('agent_id').execute();
    expect(alerted.map((a) => a.agent_id)).toContain(agent.id);
    expect(alerted).toHaveLength(2);
    expect((await api<SlaAlertList>('POST', '/api/sla/alerts/read')).body.unread).toBe(0);

    await reply(opened.id, '@nina_k Sorry for the wait, we are on it.');
    expect(await counts()).toMatchObject({ breached: 0 });
    expect((await list('all')).find((c) => c.id === opened.id)!.sla).toBeNull();
    // Later rounds record nothing more.
    await elapse(WEEK, DAY);
    expect((await caseOf(opened.id)).history.filter((e) => e.type === 'sla.breached')).toHaveLength(1);
  });

  it('counts business hours across the change to summer time and a holiday', async () => {
    // Friday 27 March 2026, 17:30 in Paris.
    await start('2026-03-27T16:30:00Z');
    await api('PUT', '/api/sla/policies', policies(60, true));
    const day = [{ start: '09:00', end: '18:00' }];
    const saved = await api<BusinessHoursSettings>('PUT', '/api/sla/hours', {
      hours: {
        timeZone: 'Europe/Paris',
        week: [day, day, day, day, day, [], []],
        holidays: [{ date: '2026-04-06', name: 'Lundi de Pâques' }],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.workspace?.holidays).toHaveLength(1);

    const weekend = await customerWrites('paul_v', '@acme_sav the app crashes on login');
    // Half an hour on Friday, half an hour on Monday — 09:30 summer time.
    expect(weekend.sla!.dueAt).toBe('2026-03-30T07:30:00.000Z');
    await elapse(Date.parse('2026-03-30T07:20:00Z') - clock.now().getTime());
    expect(await counts()).toMatchObject({ breached: 0, breaching_soon: 1 });
    await elapse(15 * MINUTE, 15 * MINUTE);
    expect((await list('breached')).map((c) => c.id)).toEqual([weekend.id]);
    await reply(weekend.id, '@paul_v We are looking into it.');

    // Friday 3 April, 17:30: Easter Monday is closed, so the answer is due Tuesday 09:30.
    await elapse(Date.parse('2026-04-03T15:30:00Z') - clock.now().getTime(), 12 * HOUR);
    const easter = await customerWrites('lina_b', '@acme_sav where is my refund?');
    expect(easter.sla!.dueAt).toBe('2026-04-07T07:30:00.000Z');
    await elapse(Date.parse('2026-04-07T07:00:00Z') - clock.now().getTime(), 6 * HOUR);
    expect((await list('breached')).map((c) => c.id)).toEqual([]);
    await elapse(HOUR, HOUR);
    expect((await list('breached')).map((c) => c.id)).toEqual([easter.id]);
  });

  it('pauses while pending on the customer, for weeks, and resumes with the time left', async () => {
    await start('2026-01-05T09:00:00Z');
    await api('PUT', '/api/sla/policies', policies(60, false));
    const opened = await customerWrites('omar_t', '@acme_sav my card was charged twice');
    await elapse(20 * MINUTE, 20 * MINUTE);
    expect((await api('POST', `/api/cases/${opened.id}/status`, { status: 'pending' })).status).toBe(200);
    await app.scheduler.tick();
    await elapse(3 * WEEK, 12 * HOUR);
    const paused = (await list('all')).find((c) => c.id === opened.id)!;
    expect(paused.sla).toMatchObject({ state: 'paused', dueAt: null, remainingMs: 40 * MINUTE });
    expect(await counts()).toMatchObject({ breached: 0, breaching_soon: 0 });

    // The customer answers: the case reopens and the clock resumes with its 40 minutes.
    const back = await customerWrites('omar_t', '@acme_sav here is the receipt');
    expect(back.status).toBe('open');
    expect(Date.parse(back.sla!.dueAt!)).toBe(clock.now().getTime() + 40 * MINUTE);
    await elapse(30 * MINUTE, 10 * MINUTE);
    expect(await counts()).toMatchObject({ breached: 0 });
    await elapse(20 * MINUTE, 10 * MINUTE);
    expect(await counts()).toMatchObject({ breached: 1 });
  });

  it('holds the clock while snoozed; the case returns a week later with its reminder and its time left', async () => {
    await start('2026-01-05T09:00:00Z');
    await api('PUT', '/api/sla/policies', policies(60, false));
    const opened = await customerWrites('sara_m', '@acme_sav my bike is at your workshop');
    await elapse(10 * MINUTE, 10 * MINUTE);
    const until = new Date(clock.now().getTime() + WEEK).toISOString();
    const snoozed = await api('POST', `/api/cases/${opened.id}/status`, {
      status: 'snoozed',
      snoozeUntil: until,
      reminder: 'Repair back from the workshop?',
    });
    expect(snoozed.status).toBe(200);
    await elapse(WEEK - HOUR, 12 * HOUR);
    expect(await counts()).toMatchObject({ breached: 0, snoozed: 1 });
    expect((await list('snoozed'))[0]!.sla).toMatchObject({ state: 'paused', remainingMs: 50 * MINUTE });

    await elapse(HOUR, HOUR);
    const woken = (await list('all')).find((c) => c.id === opened.id)!;
    expect(woken.status).toBe('open');
    expect(woken.sla).toMatchObject({ state: 'running' });
    const history = (await caseOf(opened.id)).history;
    expect(history.at(-1)!.payload).toMatchObject({ reason: 'snooze_due', reminder: 'Repair back from the workshop?' });
    await elapse(HOUR, 10 * MINUTE);
    expect(await counts()).toMatchObject({ breached: 1 });
  });

  it('starts a next-response clock when the customer writes after an answer; resolving stops every clock', async () => {
    await start('2026-01-05T09:00:00Z');
    await api('PUT', '/api/sla/policies', policies(60, false));
    const opened = await customerWrites('theo_r', '@acme_sav is the shop open on Sunday?');
    await reply(opened.id, '@theo_r Yes, from 10:00 to 13:00.');
    expect((await list('all')).find((c) => c.id === opened.id)!.sla).toBeNull();
    await elapse(DAY, 6 * HOUR);
    const again = await customerWrites('theo_r', '@acme_sav and on Easter Monday?');
    expect(again.sla).toMatchObject({ metric: 'next_response', state: 'running' });
    await api('POST', `/api/cases/${opened.id}/status`, { status: 'resolved' });
    await elapse(WEEK, DAY);
    expect(await counts()).toMatchObject({ breached: 0 });
    expect((await caseOf(opened.id)).history.some((e) => e.type === 'sla.breached')).toBe(false);
  });

  it('serves the default policies and refuses an unknown time zone', async () => {
    await start('2026-01-05T09:00:00Z');
    const defaults = (await api<SlaPolicies>('GET', '/api/sla/policies')).body.policies;
    expect(defaults.map((p) => p.firstResponseMinutes)).toEqual([15, 60, 240, 1440]);
    const bad = await api('PUT', '/api/sla/hours', {
      hours: { timeZone: 'Mars/Olympus', week: [[], [], [], [], [], [], []], holidays: [] },
    });
    expect(bad.status).toBe(400);
    expect((await api<BusinessHoursSettings>('GET', '/api/sla/hours')).body.workspace).toBeNull();
  });
});
