import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, Message, PendingApprovalList } from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Issue 13: the personal-data guard refuses on the server (nothing reaches X) unless an agent confirms, and
 * the override is audited; trainees never override, not even through a lead's approval without the lead's own
 * confirmation. A reply goes to the post the agent chose, and replying assigns an unassigned case.
 */
describe.each(TEST_DIALECTS)('replies: personal-data guard, target, assignment (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, sandbox, mention, customer, brand } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await startDesk({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const leak = 'Bonjour Camille, on vous écrit à camille.durand@exemple.fr ou au 06 12 34 56 78. ^A';
  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
  const brandPosts = () => sandbox().listTweets({ authorId: brand().id });

  async function customerCase(text = '@acme_sav Ma commande 123456789 n’est jamais arrivée') {
    const tweet = mention('camille_durand', text, 'Camille Durand');
    clock.advanceBy(1000);
    await app.pollAndWork();
    const cases = (await api<CaseList>('GET', '/api/cases')).body.cases;
    return { caseId: cases[0]!.id, tweet };
  }

  async function agent(name: string, role: 'agent' | 'lead' | 'trainee') {
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const email = `${name.toLowerCase().replace(/\W/g, '')}@acme.test`;
    const added = await addAgent(app.deps, { workspaceId, email, name, role, password: 'a long enough password' });
    return { id: added.id, cookie: await app.signIn({ email: added.email, password: added.password }) };
  }

  const auditLines = () =>
    app.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'reply.personal_data_override').execute();

  it('refuses a public reply with the customer’s e-mail and phone, then sends it once when confirmed', async () => {
    const { caseId, tweet } = await customerCase();
    const refused = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, { text: leak });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('reply.personal_data');
    expect(refused.body.error.details).toEqual({ kinds: ['email', 'phone'], canOverride: true });
    // The customer only wrote publicly: no DM to answer, and the composer says so.
    expect((await detail(caseId)).directReplyBlocked).toBe('no_history');
    await app.pollAndWork();
    expect(brandPosts()).toEqual([]);
    expect((await detail(caseId)).messages.filter((m) => m.direction === 'outbound')).toEqual([]);
    expect(await auditLines()).toEqual([]);

    const confirmed = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: leak,
      confirmPersonalData: true,
      idempotencyKey: 'override-0001',
    });
    expect(confirmed.status).toBe(202);
    // The same confirmed submission again changes nothing.
    const again = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: leak,
      confirmPersonalData: true,
      idempotencyKey: 'override-0001',
    });
    expect(again.body.id).toBe(confirmed.body.id);
    await app.pollAndWork();
    const posted = brandPosts();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.inReplyToTweetId).toBe(tweet.id);

    const lines = await auditLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.subject_id).toBe(caseId);
    expect(lines[0]!.actor_type).toBe('agent');
    expect(JSON.parse(lines[0]!.details!)).toEqual({ kinds: ['email', 'phone'], messageId: confirmed.body.id });
    // The audit line and event name the kinds, never the data.
    expect(JSON.stringify(lines[0])).not.toContain('exemple.fr');
    const history = (await detail(caseId)).history.map((event) => event.type);
    expect(history).toContain('reply.personal_data_override');
  });

  it('never lets a trainee override, and a lead approving personal data must confirm too', async () => {
    const { caseId } = await customerCase();
    const trainee = await agent('Théo Stagiaire', 'trainee');
    const lead = await agent('Lina Lead', 'lead');
    const warned = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, { text: leak }, trainee.cookie);
    expect(warned.status).toBe(422);
    expect(warned.body.error.details).toEqual({ kinds: ['email', 'phone'], canOverride: false });
    const forced = await api<ApiError>(
      'POST',
      `/api/cases/${caseId}/replies`,
      { text: leak, confirmPersonalData: true },
      trainee.cookie,
    );
    expect(forced.status).toBe(403);
    expect(forced.body.error.code).toBe('reply.personal_data_trainee');

    // A clean trainee reply, edited by the lead into one with personal data: the lead must confirm.
    const clean = await api<Message>(
      'POST',
      `/api/cases/${caseId}/replies`,
      { text: 'Je regarde. ^TS' },
      trainee.cookie,
    );
    expect(clean.status).toBe(202);
    const pending = (await api<PendingApprovalList>('GET', '/api/approvals', undefined, lead.cookie)).body;
    expect(pending.approvals).toHaveLength(1);
    const approve = (body: object) =>
      api<Message | ApiError>('POST', `/api/approvals/${clean.body.id}/approve`, body, lead.cookie);
    const refused = await approve({ text: leak });
    expect(refused.status).toBe(422);
    expect((refused.body as ApiError).error.code).toBe('reply.personal_data');
    await app.pollAndWork();
    expect(brandPosts()).toEqual([]);
    expect((await approve({ text: leak, confirmPersonalData: true })).status).toBe(200);
    await app.pollAndWork();
    expect(brandPosts()).toHaveLength(1);
    expect(await auditLines()).toHaveLength(1);
    // The case goes to the trainee who wrote the reply.
    expect((await detail(caseId)).case.assignee?.id).toBe(trainee.id);
  });

  it('lets the brand’s own contact details and order numbers through', async () => {
    const { caseId } = await customerCase();
    const settings = {
      timeZone: 'Europe/Paris',
      helpCenterUrl: null,
      supportEmail: 'sav@acme.fr',
      supportPhone: '+33 1 23 45 67 89',
    };
    expect((await api('PUT', '/api/reply-settings', settings)).status).toBe(200);
    const text = 'Pour la commande 123456789 (ticket #A-12345), écrivez à sav@acme.fr ou au 01 23 45 67 89. ^A';
    expect((await api('POST', `/api/cases/${caseId}/replies`, { text })).status).toBe(202);
    await app.pollAndWork();
    expect(brandPosts()).toHaveLength(1);
  });

  it('does not check direct messages: that is where personal data belongs', async () => {
    const camille = customer('camille_durand');
    sandbox().sendDm(camille.id, brand().id, 'Bonjour, pouvez-vous me rappeler ?');
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const dm = (await detail(caseId)).messages.find((m) => m.visibility === 'direct')!;
    const sent = await api('POST', `/api/cases/${caseId}/replies`, { text: leak, inReplyToMessageId: dm.id });
    expect(sent.status).toBe(202);
    expect((await detail(caseId)).directReplyBlocked).toBeNull();
  });

  it('publishes a reply aimed at an older post in reply to that post, not the newest', async () => {
    const { caseId, tweet: first } = await customerCase('@acme_sav L’appli plante au démarrage');
    const second = mention('camille_durand', '@acme_sav Et mon remboursement ?', 'Camille Durand');
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const messages = (await detail(caseId)).messages;
    expect(messages.filter((m) => m.direction === 'inbound')).toHaveLength(2);
    const older = messages.find((m) => m.externalId === first.id)!;
    const reply = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Une mise à jour corrige le plantage. ^A',
      inReplyToMessageId: older.id,
    });
    expect(reply.status).toBe(202);
    await app.pollAndWork();
    expect(brandPosts().map((post) => post.inReplyToTweetId)).toEqual([first.id]);
    expect(second.id).not.toBe(first.id);

    // A target outside the case, or the brand's own outbound message, is refused.
    const outsider = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, {
      text: 'x',
      inReplyToMessageId: reply.body.id,
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error.code).toBe('reply.target_not_found');
  });

  it('assigns an unassigned case to the replier, unless the workspace turned it off', async () => {
    const { caseId } = await customerCase();
    const julie = await agent('Julie Dupont', 'agent');
    expect((await detail(caseId)).case.assignee).toBeNull();
    expect((await api('POST', `/api/cases/${caseId}/replies`, { text: 'Je regarde. ^JD' }, julie.cookie)).status).toBe(
      202,
    );
    const after = await detail(caseId);
    expect(after.case.assignee?.id).toBe(julie.id);
    const assigned = after.history.find((event) => event.type === 'case.assigned');
    expect(assigned?.payload).toMatchObject({ agentId: julie.id, reason: 'reply' });

    // Off: a reply to another unassigned case leaves it unassigned.
    expect(
      (await api('PUT', '/api/workspace/case-settings', { afterResolved: 'reopen', assignOnReply: false })).status,
    ).toBe(200);
    mention('lucas_martin', '@acme_sav Bonjour, une question', 'Lucas Martin');
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const other = (await api<CaseList>('GET', '/api/cases')).body.cases.find((c) => c.id !== caseId)!;
    expect((await api('POST', `/api/cases/${other.id}/replies`, { text: 'Bonjour ! ^JD' }, julie.cookie)).status).toBe(
      202,
    );
    expect((await detail(other.id)).case.assignee).toBeNull();
  });
});
