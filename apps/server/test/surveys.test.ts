import { afterEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, Report, SurveySettingsResponse } from '@guichet/contracts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

const MINUTE = 60_000;

/** The satisfaction survey (F25) through the whole desk: DMs polled in, the scheduler's round, the outbox. */
describe.each(TEST_DIALECTS)('satisfaction survey (%s)', (dialect) => {
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

  const surveyDmsTo = (username: string) =>
    sandbox()
      .listDmEvents()
      .filter((e) => e.senderId === brand().id && e.recipientId === customer(username).id)
      .filter((e) => e.text.includes('de 1 (mauvaise) à 5'));
  const caseOf = async (handle: string) => {
    const found = (await api<CaseList>('GET', '/api/cases?view=all')).body.cases.filter(
      (c) => c.contact.handle === handle,
    );
    return Promise.all(found.map(async (c) => (await api<CaseDetail>('GET', `/api/cases/${c.id}`)).body));
  };
  /** A customer writes, an agent answers, the case is resolved. */
  async function handled(username: string, text: string) {
    sandbox().sendDm(customer(username).id, brand().id, text);
    await round();
    // Direct messages are read at X's pace: the desk may wait for the next window.
    for (let i = 0; i < 20 && (await caseOf(username)).length === 0; i++) {
      clock.advanceBy(MINUTE);
      await round();
    }
    const [detail] = await caseOf(username);
    const dm = detail!.messages.find((m) => m.direction === 'inbound')!;
    const reply = await api('POST', `/api/cases/${detail!.case.id}/replies`, {
      text: 'C’est réglé, bonne journée !',
      inReplyToMessageId: dm.id,
    });
    expect(reply, JSON.stringify(reply.body)).toMatchObject({ status: 202 });
    await round();
    clock.advanceBy(MINUTE);
    expect((await api('POST', `/api/cases/${detail!.case.id}/status`, { status: 'resolved' })).status).toBe(200);
    return detail!.case.id;
  }

  it('asks once per resolved case by DM, reads the rating and comment, and counts them in the reports', async () => {
    ({ app, clock } = await startDesk({
      dialect,
      at: '2026-03-02T09:00:00Z',
      env: { GUICHET_DM_POLL_INTERVAL: '0.001' },
    }));
    const periodStart = clock.now().toISOString();

    // Off by default: a case resolved now is never asked, even once the survey is switched on.
    const initial = (await api<SurveySettingsResponse>('GET', '/api/surveys/settings')).body;
    expect(initial.settings.enabled).toBe(false);
    await handled('avant_k', 'Bonjour, ma facture de février est fausse');
    clock.advanceBy(20 * MINUTE);
    await round();
    expect(surveyDmsTo('avant_k')).toHaveLength(0);

    // A question without the scale is refused; then the survey is switched on with the default texts.
    const refused = await api('PUT', '/api/surveys/settings', {
      enabled: true,
      templates: { fr: 'Notez-nous !', en: initial.defaults.en },
    });
    expect(refused.status).toBe(400);
    const saved = await api<SurveySettingsResponse>('PUT', '/api/surveys/settings', {
      enabled: true,
      templates: initial.defaults,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.enabled).toBe(true);

    const caseId = await handled('nina_k', 'Bonjour, ma commande 4411 n’est jamais arrivée');
    // Not right after the resolution: a quick reopen is not a finished case.
    await round();
    expect(surveyDmsTo('nina_k')).toHaveLength(0);
    clock.advanceBy(11 * MINUTE);
    await round();
    await round();
    expect(surveyDmsTo('nina_k')).toHaveLength(1);
    expect(surveyDmsTo('nina_k')[0]!.text).toMatch(/^Bonjour nina_k, votre demande est résolue/);
    expect(surveyDmsTo('avant_k')).toHaveLength(0);

    // Something that is not a rating stays a message; the rating after it is the answer.
    clock.advanceBy(MINUTE);
    sandbox().sendDm(customer('nina_k').id, brand().id, '2 questions encore');
    await round();
    clock.advanceBy(MINUTE);
    sandbox().sendDm(customer('nina_k').id, brand().id, '4 merci ! <b>rapide</b>');
    await round();
    const survey = await app.deps.db
      .selectFrom('case_surveys')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(survey).toMatchObject({ rating: 4, comment: 'merci ! <b>rapide</b>', language: 'fr' });

    // On the case's history, and asked once however many rounds run.
    const detail = (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
    const answered = detail.history.find((e) => e.type === 'survey.answered');
    expect(answered?.payload).toEqual({ rating: 4, comment: 'merci ! <b>rapide</b>' });
    expect(detail.history.some((e) => e.type === 'survey.sent')).toBe(true);
    clock.advanceBy(30 * MINUTE);
    await round();
    expect(surveyDmsTo('nina_k')).toHaveLength(1);
    expect(await app.deps.db.selectFrom('case_surveys').selectAll().execute()).toHaveLength(1);

    const report = (
      await api<Report>(
        'GET',
        `/api/reports?from=${encodeURIComponent(periodStart)}&to=${encodeURIComponent(clock.now().toISOString())}`,
      )
    ).body;
    expect(report.satisfaction).toMatchObject({
      sent: 1,
      answered: 1,
      responseRate: 1,
      average: 4,
      satisfiedShare: 1,
    });
    expect(report.satisfaction.distribution.map((d) => d.count)).toEqual([0, 0, 0, 1, 0]);
    expect(report.satisfaction.comments).toEqual([
      expect.objectContaining({ caseId, rating: 4, comment: 'merci ! <b>rapide</b>' }),
    ]);
  });
  it('takes a rating sent to a resolved case without reopening it or starting a clock', async () => {
    ({ app, clock } = await startDesk({
      dialect,
      at: '2026-03-02T09:00:00Z',
      env: { GUICHET_DM_POLL_INTERVAL: '0.001' },
    }));
    const defaults = (await api<SurveySettingsResponse>('GET', '/api/surveys/settings')).body.defaults;
    expect((await api('PUT', '/api/surveys/settings', { enabled: true, templates: defaults })).status).toBe(200);
    const caseId = await handled('lea_k', 'Bonjour, mon colis est abîmé');
    clock.advanceBy(11 * MINUTE);
    await round();
    await round();
    expect(surveyDmsTo('lea_k')).toHaveLength(1);

    clock.advanceBy(MINUTE);
    sandbox().sendDm(customer('lea_k').id, brand().id, '5 - parfait');
    await round();
    await round();
    // Still the one case, still resolved: the answer is on it, with no reopening.
    expect(await app.deps.db.selectFrom('cases').select(['id', 'status']).execute()).toEqual([
      { id: caseId, status: 'resolved' },
    ]);
    const detail = (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
    const types = detail.history.map((e) => e.type);
    expect(types).not.toContain('case.reopened');
    expect(types).toContain('survey.answer_received');
    expect(detail.messages.filter((m) => m.direction === 'inbound').map((m) => m.text)).toContain('5 - parfait');
    const survey = await app.deps.db
      .selectFrom('case_surveys')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(survey).toMatchObject({ rating: 5, comment: 'parfait' });
    const clocks = await app.deps.db
      .selectFrom('sla_clocks')
      .select(['metric'])
      .where('case_id', '=', caseId)
      .where('stopped_at', 'is', null)
      .execute();
    expect(clocks).toEqual([]);
  });
});
