import { afterEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, SlaPolicies } from '@guichet/contracts';
import { recordEvents } from '../src/modules/events/events.repository.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** P1 answers in 15 min, the others in 4 h; around the clock or in business hours. */
const policies = (businessHours: boolean, pauseDuringAbsence = false): SlaPolicies => ({
  policies: [1, 2, 3, 4].map((priority) => ({
    priority,
    firstResponseMinutes: priority === 1 ? 15 : 240,
    nextResponseMinutes: null,
    resolutionMinutes: null,
    businessHours,
    pauseWhenPending: true,
    // P1 never waits for the team to come back.
    pauseDuringAbsence: pauseDuringAbsence && priority !== 1,
  })),
});

/** A case's priority raised after its first-response clock started: the clock takes the new target. */
describe.each(TEST_DIALECTS)('SLA clocks when the priority changes (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, mention } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });

  async function start(at: string, businessHours: boolean, pauseDuringAbsence = false) {
    ({ app, clock } = await startDesk({ dialect, at: at }));
    expect((await api('PUT', '/api/sla/policies', policies(businessHours, pauseDuringAbsence))).status).toBe(200);
  }
  const caseOf = async (id: string) => (await api<CaseDetail>('GET', `/api/cases/${id}`)).body;
  async function customerWrites(username: string, text: string) {
    mention(username, text);
    await app.pollAndWork();
    await app.scheduler.tick();
    const found = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.find(
      (c) => c.contact.handle === username,
    );
    return found!;
  }
  /** What a rule's "set priority" action or an agent does: the new priority and its event, together. */
  async function setPriority(caseId: string, priority: number) {
    const now = clock.now().getTime();
    await app.deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('cases')
        .select(['workspace_id', 'priority'])
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      await tx.updateTable('cases').set({ priority, updated_at: now }).where('id', '=', caseId).execute();
      await recordEvents(tx, [
        {
          workspaceId: row.workspace_id,
          type: 'case.priority_changed',
          caseId,
          actor: { type: 'system' },
          payload: { from: row.priority, priority },
          occurredAt: now,
        },
      ]);
    });
  }
  const firstResponseClock = (caseId: string) =>
    app.deps.db
      .selectFrom('sla_clocks')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('metric', '=', 'first_response')
      .executeTakeFirstOrThrow();

  it('recounts the due time from the original start and breaches against the new one', async () => {
    await start('2026-01-05T09:00:00Z', false);
    const opened = await customerWrites('nina_k', '@acme_sav where is my parcel?');
    await setPriority(opened.id, 3);
    await app.scheduler.tick();
    const startedAt = Number((await firstResponseClock(opened.id)).started_at);
    expect(Number((await firstResponseClock(opened.id)).due_at)).toBe(startedAt + 4 * HOUR);

    // Ten minutes in, the case becomes urgent: 15 minutes from the start, not 15 from now, not 4 hours.
    clock.advanceBy(10 * MINUTE);
    await setPriority(opened.id, 1);
    await app.scheduler.tick();
    const raised = await firstResponseClock(opened.id);
    expect(raised).toMatchObject({ priority: 1, breached_at: null });
    expect(Number(raised.target_ms)).toBe(15 * MINUTE);
    expect(Number(raised.due_at)).toBe(startedAt + 15 * MINUTE);
    // The queue shows the new due time.
    const row = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.find((c) => c.id === opened.id);
    expect(row!.sla).toMatchObject({ state: 'running', dueAt: new Date(startedAt + 15 * MINUTE).toISOString() });

    clock.advanceBy(6 * MINUTE);
    await app.scheduler.tick();
    const breached = await firstResponseClock(opened.id);
    expect(Number(breached.breached_at)).toBe(startedAt + 15 * MINUTE);
    const history = (await caseOf(opened.id)).history.filter((e) => e.type === 'sla.breached');
    expect(history).toHaveLength(1);
    expect(history[0]!.payload).toMatchObject({ metric: 'first_response', priority: 1, targetMinutes: 15 });
  });

  it('breaches at once, at the new due time, when the raise comes after it', async () => {
    await start('2026-01-05T09:00:00Z', false);
    const opened = await customerWrites('paul_v', '@acme_sav my invoice is wrong');
    await setPriority(opened.id, 4);
    await app.scheduler.tick();
    const startedAt = Number((await firstResponseClock(opened.id)).started_at);
    clock.advanceBy(40 * MINUTE);
    await app.scheduler.tick();
    expect((await firstResponseClock(opened.id)).breached_at).toBeNull();

    await setPriority(opened.id, 1);
    await app.scheduler.tick();
    const raised = await firstResponseClock(opened.id);
    expect(Number(raised.due_at)).toBe(startedAt + 15 * MINUTE);
    expect(Number(raised.breached_at)).toBe(startedAt + 15 * MINUTE);
    // Lowered again: the target grows back, counted from the same start; the breach stays recorded once.
    await setPriority(opened.id, 3);
    await app.scheduler.tick();
    const lowered = await firstResponseClock(opened.id);
    expect(Number(lowered.due_at)).toBe(startedAt + 4 * HOUR);
    expect((await caseOf(opened.id)).history.filter((e) => e.type === 'sla.breached')).toHaveLength(1);
  });

  it('keeps counting in business hours: the time already counted stays counted', async () => {
    // Friday 16 January 2026, 17:50 in Paris; open 09:00–18:00 on weekdays.
    await start('2026-01-16T16:50:00Z', true);
    const day = [{ start: '09:00', end: '18:00' }];
    await api('PUT', '/api/sla/hours', {
      hours: { timeZone: 'Europe/Paris', week: [day, day, day, day, day, [], []], holidays: [] },
    });
    const opened = await customerWrites('lea_m', '@acme_sav the app will not open');
    await setPriority(opened.id, 3);
    await app.scheduler.tick();
    const startedAt = Number((await firstResponseClock(opened.id)).started_at);
    expect(new Date(startedAt).toISOString()).toBe('2026-01-16T16:50:00.000Z');
    // Over the weekend the priority is raised: 10 open minutes on Friday, 5 more on Monday from 09:00.
    clock.advanceBy(24 * HOUR);
    await setPriority(opened.id, 1);
    await app.scheduler.tick();
    expect(new Date(Number((await firstResponseClock(opened.id)).due_at)).toISOString()).toBe(
      '2026-01-19T08:05:00.000Z',
    );
  });

  it('takes the new policy’s absence rule: a case raised to P1 during an away period is due at once', async () => {
    await start('2026-01-05T18:00:00Z', false, true);
    expect((await api('POST', '/api/absence', { kind: 'end_of_day', endsAt: '2026-01-06T08:00:00Z' })).status).toBe(
      201,
    );
    clock.advanceBy(MINUTE);
    const opened = await customerWrites('marc_d', '@acme_sav question about my bill');
    await setPriority(opened.id, 3);
    await app.scheduler.tick();
    const startedAt = Number((await firstResponseClock(opened.id)).started_at);
    // P3 stops during the absence: 4 hours counted from 08:00.
    expect(new Date(Number((await firstResponseClock(opened.id)).due_at)).toISOString()).toBe(
      '2026-01-06T12:00:00.000Z',
    );
    clock.advanceBy(5 * MINUTE);
    await setPriority(opened.id, 1);
    await app.scheduler.tick();
    const raised = await firstResponseClock(opened.id);
    expect(Number(raised.pause_during_absence)).toBe(0);
    // The five minutes before the raise fell in the absence under P3, which does not count them; from the
    // raise on, P1 counts every minute: due 15 minutes after the raise, not after the next morning.
    expect(Number(raised.due_at)).toBe(startedAt + 5 * MINUTE + 15 * MINUTE);
  });
});
