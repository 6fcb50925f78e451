import type {
  ApiError,
  CaseIncidents,
  CaseList,
  IncidentDetail,
  IncidentList,
  IncidentSuggestion,
} from '@guichet/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerIncidentJob } from '../src/modules/incidents/incidents.commands.ts';
import { createRule } from '../src/modules/rules/rules.commands.ts';
import { ruleInputSchema } from '../src/modules/rules/rules.models.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { buildWorker } from '../src/roles/worker.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const MINUTE = 60_000;

/**
 * Incidents (F22) through the whole desk: the status post goes out once, complaints are suggested by words
 * and timing and linked by agents or rules, and resolving answers every linked case exactly once — on X,
 * whatever is retried.
 */
describe.each(TEST_DIALECTS)('incidents (%s)', (dialect) => {
  let app: TestApp;
  let cookie: string;
  let clock: ManualClock;
  let channelId: string;
  let workspaceId: string;
  beforeEach(async () => {
    clock = new ManualClock('2026-05-12T07:00:00.000Z');
    app = await createTestApp({ dialect, clock, env: { GUICHET_DM_POLL_INTERVAL: '0.001' } });
    cookie = await app.signIn();
    channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const brand = () => sandbox().findUser('acme_sav')!;
  const customer = (username: string) => sandbox().ensureUser({ username, name: `Client ${username}` }).user;
  const api = async <T>(method: Method, url: string, payload?: unknown) => {
    const response = await app.http.inject({
      method,
      url,
      headers: { cookie, ...(method === 'GET' || payload ? {} : { 'content-type': 'application/json' }) },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : null) as T };
  };
  const casesByHandle = async () => {
    const list = (await api<CaseList>('GET', '/api/cases?view=all&limit=200')).body.cases;
    return new Map(list.map((c) => [c.contact.handle, c.id]));
  };
  const declare = (overrides: Record<string, unknown> = {}) =>
    api<IncidentDetail>('POST', '/api/incidents', {
      title: 'Panne fibre en Île-de-France',
      description: 'Coupure réseau fibre depuis 8 h, équipes sur place.',
      keywords: ['fibre', 'panne', 'internet'],
      statusPost: { channelId, text: 'Une panne touche la fibre en Île-de-France. Nos équipes sont mobilisées.' },
      resolutionText:
        'Bonjour {{customer.firstName}}, la panne fibre est réparée : votre connexion doit revenir. {{agent.initials}}',
      ...overrides,
    });

  it('answers 50 linked cases once each, however often it is resolved or its jobs run', async () => {
    const declared = await declare();
    expect(declared.status).toBe(201);
    const incidentId = declared.body.id;
    expect(declared.body.keywords).toEqual(['fibre', 'panne', 'internet']);
    await app.pollAndWork();
    await app.pollAndWork();
    const statusPosts = sandbox()
      .listTweets({ authorId: brand().id })
      .filter((t) => t.text.startsWith('Une panne touche la fibre'));
    expect(statusPosts).toHaveLength(1);

    // 49 public complaints and one DM after the declaration, plus one unrelated message.
    clock.advanceBy(5 * MINUTE);
    const mentions = new Map<string, string>();
    for (let i = 0; i < 49; i++) {
      const handle = `abonne_${i}`;
      const text =
        i % 2 === 0
          ? `@acme_sav toujours pas d'internet, la FIBRE est coupée (${i})`
          : `@acme_sav encore une panne chez moi ?! ${i}`;
      mentions.set(handle, sandbox().post(customer(handle).id, { text }).id);
    }
    sandbox().sendDm(customer('dm_client').id, brand().id, 'Bonjour, plus de fibre depuis ce matin <b>aidez-moi</b>');
    sandbox().post(customer('fan').id, { text: '@acme_sav merci pour la livraison rapide !' });
    clock.advanceBy(MINUTE);
    await app.pollAndWork();
    await app.pollAndWork();
    const cases = await casesByHandle();
    expect(cases.size).toBe(51);

    const suggestions = (
      await api<{ suggestions: IncidentSuggestion[] }>('GET', `/api/incidents/${incidentId}/suggestions`)
    ).body.suggestions;
    expect(suggestions).toHaveLength(50);
    expect(suggestions.some((s) => s.caseId === cases.get('fan'))).toBe(false);
    expect(suggestions.find((s) => s.caseId === cases.get('dm_client'))).toMatchObject({
      matchedWords: ['fibre'],
      text: 'Bonjour, plus de fibre depuis ce matin <b>aidez-moi</b>',
    });
    // The case shows the incident as a suggestion until linked, then as a banner.
    const before = await api<CaseIncidents>('GET', `/api/cases/${cases.get('abonne_0')}/incidents`);
    expect(before.body).toMatchObject({ linked: [], suggested: [{ id: incidentId }] });

    for (const suggestion of suggestions) {
      const linked = await api('POST', `/api/incidents/${incidentId}/cases`, { caseId: suggestion.caseId });
      expect(linked.status).toBe(200);
    }
    // Linking twice is harmless.
    expect((await api('POST', `/api/incidents/${incidentId}/cases`, { caseId: cases.get('abonne_0') })).status).toBe(
      200,
    );
    const after = await api<CaseIncidents>('GET', `/api/cases/${cases.get('abonne_0')}/incidents`);
    expect(after.body).toMatchObject({ linked: [{ id: incidentId, status: 'open' }], suggested: [] });
    expect(
      (await api<{ suggestions: unknown[] }>('GET', `/api/incidents/${incidentId}/suggestions`)).body.suggestions,
    ).toEqual([]);

    // A case the words did not suggest can still be linked by hand: the open incident is offered.
    const unrelated = await api<CaseIncidents>('GET', `/api/cases/${cases.get('fan')}/incidents`);
    expect(unrelated.body).toEqual({
      linked: [],
      suggested: [],
      otherOpen: [{ id: incidentId, title: declared.body.title }],
    });

    // Resolve twice, run the answer job again by hand and with a second worker: still one reply per case.
    clock.advanceBy(30 * MINUTE);
    expect((await api('POST', `/api/incidents/${incidentId}/resolve`, {})).status).toBe(200);
    expect((await api('POST', `/api/incidents/${incidentId}/resolve`, {})).status).toBe(200);
    const second = buildWorker(app.deps);
    await Promise.all([app.worker.drain(), second.drain(), answerIncidentJob(app.deps)({ incidentId })]);
    await second.stop();
    await app.pollAndWork();
    await answerIncidentJob(app.deps)({ incidentId });
    await app.pollAndWork();
    await app.pollAndWork();

    for (const [handle, tweetId] of mentions) {
      const replies = sandbox().listTweets({ inReplyToTweetId: tweetId });
      expect(replies, handle).toHaveLength(1);
      expect(replies[0]!.text).toContain(`Bonjour Client, la panne fibre est réparée`);
    }
    const brandDms = sandbox()
      .listDmEvents()
      .filter((e) => e.senderId === brand().id && e.text.includes('la panne fibre est réparée'));
    expect(brandDms).toHaveLength(1);
    const outbound = await app.deps.db
      .selectFrom('messages')
      .select(['delivery_status', 'visibility'])
      .where('idempotency_key', 'like', `incident:${incidentId}:%`)
      .execute();
    expect(outbound).toHaveLength(50);
    expect(outbound.filter((m) => m.visibility === 'direct')).toHaveLength(1);
    expect(outbound.every((m) => m.delivery_status === 'sent')).toBe(true);

    const detail = (await api<IncidentDetail>('GET', `/api/incidents/${incidentId}`)).body;
    expect(detail.status).toBe('resolved');
    expect(detail.statusPost).toMatchObject({ status: 'sent', origin: 'incident' });
    expect(detail.cases).toHaveLength(50);
    expect(detail.cases.every((c) => c.reply.status === 'sent')).toBe(true);
    const count = (type: string) => detail.timeline.filter((e) => e.type === type).length;
    expect(count('incident.declared')).toBe(1);
    expect(count('scheduled_post.sent')).toBe(1);
    expect(count('incident.case_linked')).toBe(50);
    expect(count('incident.resolved')).toBe(1);
    expect(count('incident.reply_queued')).toBe(50);
    expect(count('message.sent')).toBe(50);
    const list = (await api<IncidentList>('GET', '/api/incidents')).body.incidents;
    expect(list[0]).toMatchObject({ id: incidentId, linkedCount: 50, repliesSent: 50, repliesFailed: 0 });

    // Resolved: no more links, unlinks or changes.
    const late = await api<ApiError>('POST', `/api/incidents/${incidentId}/cases`, { caseId: cases.get('fan') });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('incident.resolved');
  });

  it('links complaints by rule, lets agents unlink, and refuses what it cannot fill', async () => {
    const unknown = await declare({ resolutionText: 'Bonjour {{customer.nickname}} !' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'incident.unknown_variables' } });
    const tooLong = await declare({ statusPost: { channelId, text: 'x'.repeat(300) } });
    expect(tooLong.body).toMatchObject({ error: { code: 'scheduled_post.too_long' } });
    expect(await app.deps.db.selectFrom('incidents').select('id').execute()).toEqual([]);

    const { body: incident } = await declare({ statusPost: null, keywords: [] });
    // Keywords default to the title's meaningful words, accents folded.
    expect(incident.keywords).toEqual(['panne', 'fibre', 'ile', 'france']);
    const agentId = (await app.deps.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    await createRule(app.deps, {
      workspaceId,
      agentId,
      rule: ruleInputSchema.parse({
        name: 'Complaints join the open incident',
        event: 'message.received',
        conditions: [],
        actions: [{ kind: 'linkIncident', value: {} }],
      }),
    });
    clock.advanceBy(MINUTE);
    sandbox().post(customer('lea').id, { text: '@acme_sav Fibre en panne à Paris' });
    sandbox().post(customer('marc').id, { text: '@acme_sav où est mon colis ?' });
    await app.pollAndWork();
    const cases = await casesByHandle();
    let detail = (await api<IncidentDetail>('GET', `/api/incidents/${incident.id}`)).body;
    expect(detail.cases.map((c) => [c.caseId, c.linkedBy])).toEqual([[cases.get('lea'), 'rule']]);
    expect(detail.timeline.find((e) => e.type === 'incident.case_linked')?.detail).toMatchObject({
      by: 'rule',
      rule: 'Complaints join the open incident',
    });

    // An agent links any case and unlinks a wrong one; a note goes to the timeline.
    clock.advanceBy(MINUTE);
    await api('POST', `/api/incidents/${incident.id}/cases`, { caseId: cases.get('marc') });
    clock.advanceBy(MINUTE);
    const unlinked = await api<IncidentDetail>('DELETE', `/api/incidents/${incident.id}/cases/${cases.get('marc')}`);
    expect(unlinked.body.cases).toHaveLength(1);
    clock.advanceBy(MINUTE);
    await api('PATCH', `/api/incidents/${incident.id}`, { note: 'Correctif déployé, surveillance en cours.' });
    detail = (await api<IncidentDetail>('GET', `/api/incidents/${incident.id}`)).body;
    expect(detail.timeline.map((e) => e.type)).toEqual([
      'incident.declared',
      'incident.case_linked',
      'incident.case_linked',
      'incident.case_unlinked',
      'incident.updated',
    ]);
    expect(detail.timeline.at(-1)?.detail).toMatchObject({ note: 'Correctif déployé, surveillance en cours.' });

    clock.advanceBy(MINUTE);
    await api('POST', `/api/incidents/${incident.id}/resolve`, {});
    // The answer job is lost (dropped after repeated failures): the scheduler's next round enqueues it again.
    await app.deps.db.deleteFrom('jobs').where('name', '=', 'answer-incident').execute();
    await app.pollAndWork();
    await app.pollAndWork();
    expect(
      sandbox()
        .listTweets({ authorId: brand().id })
        .filter((t) => t.text.includes('réparée')),
    ).toHaveLength(1);
    expect(
      sandbox()
        .listTweets({ authorId: brand().id })
        .some((t) => t.text.includes('marc')),
    ).toBe(false);
  });
});
