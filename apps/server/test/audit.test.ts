import type { AuditList, Template } from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

/** The audit trail (F28): settings changes recorded with who, when, from where, before and after. */
describe.each(TEST_DIALECTS)('audit trail (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, sandbox } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });
  /** Settings lines only: sign-ins are audited too, by the auth module. */
  const audit = async (query = '') => {
    const list = (await api<AuditList>('GET', `/api/audit${query}`)).body;
    return { ...list, entries: list.entries.filter((e) => !e.action.startsWith('auth.')) };
  };
  const step = () => clock.advanceBy(1000);

  it('records saved replies and settings with actor, address, before and after, in the same transaction', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-06-01T08:00:00.000Z' }));
    const created = await api<Template>('POST', '/api/templates', {
      name: 'Excuses retard',
      shortcut: 'retard',
      language: 'fr',
      body: 'Toutes nos excuses pour le retard.',
    });
    step();
    await api('PUT', `/api/templates/${created.body.id}`, {
      name: 'Excuses retard',
      shortcut: 'retard',
      language: 'fr',
      body: 'Toutes nos excuses pour ce retard, {{firstName}}.',
    });
    step();
    await api('PUT', '/api/reply-settings', {
      timeZone: 'Europe/Paris',
      helpCenterUrl: 'https://aide.acme.example',
      supportEmail: 'sav@acme.example',
      supportPhone: null,
    });
    step();
    await api('PUT', '/api/workspace/case-settings', { afterResolved: 'new_case' });
    step();
    const week = [[{ start: '09:00', end: '18:00' }], [], [], [], [], [], []];
    await api('PUT', '/api/sla/hours', { hours: { timeZone: 'Europe/Paris', week, holidays: [] } });
    step();
    await api('DELETE', `/api/templates/${created.body.id}`);

    const { entries } = await audit();
    expect(entries.map((e) => e.action)).toEqual([
      'template.deleted',
      'business_hours.changed',
      'workspace.case_settings_changed',
      'reply_settings.changed',
      'template.updated',
      'template.created',
    ]);
    const updated = entries.find((e) => e.action === 'template.updated')!;
    expect(updated).toMatchObject({
      occurredAt: '2026-06-01T08:00:01.000Z',
      actor: { type: 'agent', label: 'lead@acme.test' },
      subject: { type: 'template', id: created.body.id },
      ip: '127.0.0.1',
      before: { body: 'Toutes nos excuses pour le retard.' },
      after: { body: 'Toutes nos excuses pour ce retard, {{firstName}}.' },
    });
    expect(entries.find((e) => e.action === 'reply_settings.changed')).toMatchObject({
      before: { helpCenterUrl: null },
      after: { helpCenterUrl: 'https://aide.acme.example', supportEmail: 'sav@acme.example' },
    });
    expect(entries.find((e) => e.action === 'workspace.case_settings_changed')).toMatchObject({
      before: { afterResolved: 'reopen' },
      after: { afterResolved: 'new_case' },
    });
    expect(entries.find((e) => e.action === 'business_hours.changed')).toMatchObject({
      before: null,
      after: { timeZone: 'Europe/Paris', week },
    });

    // A refused change leaves no line: the line commits with the change or not at all.
    const refused = await api('PUT', '/api/reply-settings', {
      timeZone: 'Not/AZone',
      helpCenterUrl: null,
      supportEmail: null,
      supportPhone: null,
    });
    expect(refused.status).toBe(400);
    expect((await audit()).entries).toHaveLength(6);
  });

  it('records every settings area: channels, credentials, rules, teams, SLA, absence, greetings, surveys, triage', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-06-01T08:00:00.000Z' }));
    const ok = async (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
      step();
      const response = await api<{ id?: string }>(method, url, body ?? {});
      expect(response.status, `${method} ${url} ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body;
    };
    const channelId = (await api<{ channels: { id: string }[] }>('GET', '/api/channels')).body.channels[0]!.id;
    await ok('PATCH', `/api/channels/${channelId}`, { muteWords: ['concours'], monthlyBudgetUsd: 50 });
    const search = await ok('POST', `/api/channels/${channelId}/searches`, {
      name: 'Marque',
      query: 'acme -from:acme_sav',
    });
    await ok('DELETE', `/api/channels/${channelId}/searches/${search.id}`);
    const keys = sandbox().createUser({ username: 'acme_help', name: 'Acme Help' }).oauth1;
    const keyBody = {
      apiKey: keys.appKey,
      apiSecret: keys.appSecret,
      accessToken: keys.accessToken,
      accessSecret: keys.accessSecret,
      sandbox: true,
    };
    await ok('POST', '/api/channels/x/keys', keyBody);
    await ok('POST', '/api/channels/x/keys', keyBody);
    const rule = await ok('POST', '/api/rules', {
      name: 'Pannes',
      event: 'message.received',
      conditions: [],
      actions: [{ kind: 'tag', value: { name: 'panne' } }],
    });
    await ok('PUT', `/api/rules/${rule.id}`, {
      name: 'Pannes urgentes',
      event: 'message.received',
      conditions: [],
      actions: [{ kind: 'tag', value: { name: 'panne' } }],
    });
    await ok('PUT', '/api/rules-order', { ids: [rule.id] });
    await ok('DELETE', `/api/rules/${rule.id}`);
    await ok('POST', '/api/teams', { name: 'Niveau 2', memberIds: [] });
    const policies = (await api<{ policies: unknown[] }>('GET', '/api/sla/policies')).body;
    await ok('PUT', '/api/sla/policies', policies);
    await ok('POST', '/api/absence', { kind: 'incident', endsAt: '2026-06-01T12:00:00.000Z' });
    const timeSettings = (await api<{ settings: unknown }>('GET', '/api/time-settings')).body.settings;
    await ok('PUT', '/api/time-settings', timeSettings);
    const survey = (await api<{ settings: { enabled: boolean } }>('GET', '/api/surveys/settings')).body.settings;
    await ok('PUT', '/api/surveys/settings', { ...survey, enabled: !survey.enabled });
    const priority = (await api<{ policy: unknown }>('GET', '/api/triage/priority-policy')).body.policy;
    await ok('PUT', '/api/triage/priority-policy', priority);
    await ok('PUT', '/api/triage/active-model', { modelId: null });

    const actions = (await audit('?limit=200')).entries.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'channel.updated',
      'channel.search_added',
      'channel.search_deleted',
      'channel.connected',
      'channel.credentials_changed',
      'rule.created',
      'rule.updated',
      'rules.reordered',
      'rule.deleted',
      'team.created',
      'sla.policies_changed',
      'absence.planned',
      'time_settings.changed',
      'survey.settings_changed',
      'triage.priority_policy_changed',
      'triage.model_activated',
    ]);
    const entries = (await audit('?limit=200')).entries;
    expect(entries.find((e) => e.action === 'channel.updated')).toMatchObject({
      before: { muteWords: [], monthlyBudgetUsd: null },
      after: { muteWords: ['concours'], monthlyBudgetUsd: 50 },
    });
    expect(entries.find((e) => e.action === 'rule.updated')).toMatchObject({
      before: { name: 'Pannes' },
      after: { name: 'Pannes urgentes' },
    });
    // Credentials: that they changed, how, for which account; never their values.
    const credentials = entries.find((e) => e.action === 'channel.credentials_changed')!;
    expect(credentials.details).toMatchObject({ handle: 'acme_help', method: 'oauth1' });
    const raw = JSON.stringify(await app.deps.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [keys.appSecret, keys.accessToken, keys.accessSecret]) expect(raw).not.toContain(secret);
  });

  it('filters by action prefix, actor, subject and dates, pages newest first, and exports safe CSV', async () => {
    ({ app, clock } = await start({ dialect, at: '2026-06-01T08:00:00.000Z' }));
    for (let i = 0; i < 5; i++) {
      step();
      await api('POST', '/api/templates', {
        name: i === 0 ? '=HYPERLINK("https://evil.example","clic")' : `Modèle ${i}`,
        shortcut: `m${i}`,
        language: null,
        body: `Texte ${i}`,
      });
    }
    step();
    await api('PUT', '/api/workspace/case-settings', { afterResolved: 'new_case' });

    expect((await audit('?action=template')).entries).toHaveLength(5);
    expect((await audit('?action=template.created')).entries).toHaveLength(5);
    expect((await audit('?action=workspace')).entries).toHaveLength(1);
    expect((await audit('?action=templ_te')).entries).toHaveLength(0);
    expect((await audit('?subjectType=workspace')).entries.map((e) => e.action)).toEqual([
      'workspace.case_settings_changed',
    ]);
    expect((await audit('?actor=LEAD@acme&action=t')).entries).toHaveLength(5);
    expect((await audit('?actor=someone.else')).entries).toHaveLength(0);
    const window = await audit('?from=2026-06-01T08:00:02.000Z&to=2026-06-01T08:00:03.000Z');
    expect(window.entries.map((e) => e.occurredAt)).toEqual(['2026-06-01T08:00:03.000Z', '2026-06-01T08:00:02.000Z']);

    const first = await audit('?limit=4&actor=lead');
    expect(first.entries).toHaveLength(4);
    expect(first.nextCursor).not.toBeNull();
    const second = await audit(`?limit=4&actor=lead&cursor=${first.nextCursor}`);
    expect(second.entries).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const all = [...first.entries, ...second.entries].map((e) => e.occurredAt);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set([...first.entries, ...second.entries].map((e) => e.id)).size).toBe(6);
    expect((await api('GET', '/api/audit?cursor=bm9wZQ')).status).toBe(400);

    const csv = await app.http.inject({
      method: 'GET',
      url: '/api/audit.csv?action=template',
      headers: { cookie: await app.signIn() },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="guichet-audit-2026-06-01\.csv"/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'occurred_at,action,actor_type,actor,actor_id,subject_type,subject_id,ip,before,after,details',
    );
    expect(lines).toHaveLength(6);
    // The formula someone typed as a name reaches the spreadsheet as text.
    const hostile = lines.find((line) => line.includes('HYPERLINK'))!;
    expect(hostile).toContain('""name"":""=HYPERLINK');
    expect(hostile).not.toMatch(/,=HYPERLINK/);
  });

  it('neutralises a cell that starts like a formula', async () => {
    ({ app, clock } = await start({ dialect }));
    await app.deps.db
      .insertInto('audit_log')
      .values({
        id: '01900000-0000-7000-8000-000000000001',
        workspace_id: (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id,
        action: 'auth.sign_in_failed',
        actor_type: 'anonymous',
        actor_id: null,
        actor_label: '=cmd|"/c calc"!A1',
        subject_type: null,
        subject_id: null,
        ip: '203.0.113.9',
        before: null,
        after: null,
        details: null,
        occurred_at: clock.now().getTime(),
      })
      .execute();
    const csv = await app.http.inject({
      method: 'GET',
      url: '/api/audit.csv',
      headers: { cookie: await app.signIn() },
    });
    expect(csv.body).toContain(`,"'=cmd|""/c calc""!A1",`);
  });

  it('is shown to admins only', async () => {
    ({ app, clock } = await start({ dialect }));
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await addAgent(app.deps, {
      workspaceId,
      email: 'lead2@acme.test',
      name: 'Léa Lead',
      role: 'lead',
      password: 'another long password',
    });
    const lead = await app.signIn({ email: 'lead2@acme.test', password: 'another long password' });
    expect((await api('GET', '/api/audit', undefined, lead)).status).toBe(403);
    expect((await api('GET', '/api/audit.csv', undefined, lead)).status).toBe(403);
    // A lead's change is on the admin's screen, under the lead's name.
    await api('PUT', '/api/workspace/case-settings', { afterResolved: 'new_case' }, lead);
    expect((await audit('?action=workspace')).entries[0]).toMatchObject({
      action: 'workspace.case_settings_changed',
      actor: { label: 'lead2@acme.test' },
    });
  });
});
