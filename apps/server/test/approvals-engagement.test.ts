import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, Engagement, Message, PendingApprovalList, RealtimeEvent } from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

type Method = 'GET' | 'POST';
interface ApiErrorBody {
  error: { code: string; details?: Record<string, unknown> };
}

/** Trainees' replies wait for a lead (F17); likes and reposts go through the outbox, once (F16). */
describe.each(TEST_DIALECTS)('approvals and engagement (%s)', (dialect) => {
  let app: TestApp;
  let lead: string;
  let clock: ManualClock;
  let workspaceId: string;
  beforeEach(async () => {
    clock = new ManualClock(new Date());
    app = await createTestApp({ dialect, clock });
    lead = await app.signIn();
    workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;
  const api = async <T>(method: Method, url: string, payload: unknown, as: string) => {
    const response = await app.http.inject({
      method,
      url,
      headers: { cookie: as, ...(method === 'GET' || payload ? {} : { 'content-type': 'application/json' }) },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : null) as T };
  };

  async function agentWithRole(role: 'trainee' | 'agent', name: string) {
    const added = await addAgent(app.deps, {
      workspaceId,
      email: `${role}-${name.split(' ')[0]!.toLowerCase()}@acme.test`,
      name,
      role,
      password: 'another long password',
    });
    return { id: added.id, cookie: await app.signIn({ email: added.email, password: added.password }) };
  }

  async function customerCase(text = '@acme_sav Merci, la réparation est parfaite !') {
    const { user } = sandbox().ensureUser({ username: 'hugo_b', name: 'Hugo B' });
    const tweet = sandbox().post(user.id, { text });
    clock.advanceBy(1000);
    await app.pollAndWork();
    const { cases } = (await api<CaseList>('GET', '/api/cases', null, lead)).body;
    const found = cases.find((c) => c.contact.handle === 'hugo_b')!;
    return { caseId: found.id, tweet };
  }
  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`, null, lead)).body;
  const brandPosts = () => {
    const brand = sandbox().findUser('acme_sav')!;
    return sandbox().listTweets({ authorId: brand.id });
  };
  const deliverJobs = () =>
    app.deps.db.selectFrom('jobs').select(['name', 'payload']).where('name', '=', 'deliver-message').execute();

  it("holds a trainee's reply until a lead approves it, edited, then sends it through the outbox", async () => {
    const { caseId } = await customerCase();
    const trainee = await agentWithRole('trainee', 'Tom Stagiaire');
    const events: RealtimeEvent[] = [];
    app.deps.realtime.subscribe(workspaceId, (event) => events.push(event));

    const written = await api<Message>(
      'POST',
      `/api/cases/${caseId}/replies`,
      { text: 'merci hugo !!', idempotencyKey: 'trainee-key-1' },
      trainee.cookie,
    );
    expect(written.status).toBe(202);
    expect(written.body).toMatchObject({
      deliveryStatus: 'pending_approval',
      approval: { status: 'pending', requestedBy: { name: 'Tom Stagiaire' }, decidedBy: null },
    });
    expect(events).toContainEqual(expect.objectContaining({ type: 'case.changed', caseId }));
    // No delivery job exists, so no worker can send it.
    expect(await deliverJobs()).toEqual([]);
    await app.worker.drain();
    expect(brandPosts()).toEqual([]);

    // Only leads and admins see and decide.
    expect((await api('GET', '/api/approvals', null, trainee.cookie)).status).toBe(403);
    const refused = await api<ApiErrorBody>('POST', `/api/approvals/${written.body.id}/approve`, {}, trainee.cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('approval.forbidden');

    const queue = await api<PendingApprovalList>('GET', '/api/approvals', null, lead);
    expect(queue.body.count).toBe(1);
    expect(queue.body.approvals[0]).toMatchObject({
      messageId: written.body.id,
      caseId,
      text: 'merci hugo !!',
      requestedBy: { name: 'Tom Stagiaire' },
      contact: { name: 'Hugo B', handle: 'hugo_b' },
      inReplyTo: { text: '@acme_sav Merci, la réparation est parfaite !' },
    });

    events.length = 0;
    const approved = await api<Message>(
      'POST',
      `/api/approvals/${written.body.id}/approve`,
      { text: 'Merci Hugo, ravis que la réparation vous plaise ! ^TS' },
      lead,
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      deliveryStatus: 'queued',
      text: 'Merci Hugo, ravis que la réparation vous plaise ! ^TS',
      approval: { status: 'approved', decidedBy: { name: 'Admin' }, originalText: 'merci hugo !!' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'message.changed', caseId, messageId: written.body.id }),
    );
    expect((await api<PendingApprovalList>('GET', '/api/approvals', null, lead)).body.count).toBe(0);

    await app.worker.drain();
    expect(brandPosts().map((t) => t.text)).toEqual(['@hugo_b Merci Hugo, ravis que la réparation vous plaise ! ^TS']);
    const after = await detail(caseId);
    const reply = after.messages.find((m) => m.id === written.body.id)!;
    expect(reply.deliveryStatus).toBe('sent');
    const types = after.history.map((e) => e.type);
    // The approval queues it: no second "reply written" by the lead.
    expect(types).not.toContain('message.queued');
    expect(types).toEqual(expect.arrayContaining(['message.approval_requested', 'message.approved', 'message.sent']));
    expect(after.history.find((e) => e.type === 'message.approved')!.actor).toMatchObject({ name: 'Admin' });

    // A decided reply cannot be decided again, and the same idempotency key returns the same message.
    const again = await api<ApiErrorBody>('POST', `/api/approvals/${written.body.id}/reject`, { comment: 'no' }, lead);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('approval.already_decided');
    const replayed = await api<Message>(
      'POST',
      `/api/cases/${caseId}/replies`,
      { text: 'merci hugo !!', idempotencyKey: 'trainee-key-1' },
      trainee.cookie,
    );
    expect(replayed.body.id).toBe(written.body.id);
  });

  it('rejects with a comment: never sent, the trainee sees why', async () => {
    const { caseId } = await customerCase();
    const trainee = await agentWithRole('trainee', 'Tom Stagiaire');
    const written = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: 'lol ok' }, trainee.cookie);
    expect(
      (await api<ApiErrorBody>('POST', `/api/approvals/${written.body.id}/reject`, { comment: '  ' }, lead)).status,
    ).toBe(400);
    const rejected = await api<Message>(
      'POST',
      `/api/approvals/${written.body.id}/reject`,
      { comment: 'Too casual: thank Hugo by name and sign.' },
      lead,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      deliveryStatus: 'rejected',
      approval: {
        status: 'rejected',
        comment: 'Too casual: thank Hugo by name and sign.',
        decidedBy: { name: 'Admin' },
      },
    });
    await app.pollAndWork();
    expect(brandPosts()).toEqual([]);
    const seenByTrainee = (await api<CaseDetail>('GET', `/api/cases/${caseId}`, null, trainee.cookie)).body;
    expect(seenByTrainee.messages.find((m) => m.id === written.body.id)!.approval?.comment).toContain('Too casual');
    expect(seenByTrainee.history.map((e) => e.type)).toContain('message.rejected');
    // A rejected reply does not block the next one.
    expect(
      (await api('POST', `/api/cases/${caseId}/replies`, { text: 'Merci Hugo ! ^TS' }, trainee.cookie)).status,
    ).toBe(202);
  });

  it('refuses to approve a reply someone else answered in the meantime, unless confirmed', async () => {
    const { caseId } = await customerCase();
    const trainee = await agentWithRole('trainee', 'Tom Stagiaire');
    const agent = await agentWithRole('agent', 'Julie Dupont');
    const written = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: 'Merci ! ^TS' }, trainee.cookie);
    // The pending reply is on its way: another agent is warned first.
    const warned = await api<ApiErrorBody>(
      'POST',
      `/api/cases/${caseId}/replies`,
      { text: 'Merci ! ^JD' },
      agent.cookie,
    );
    expect(warned.status).toBe(409);
    expect(warned.body.error).toMatchObject({
      code: 'reply.already_answered',
      details: { agentName: 'Tom Stagiaire' },
    });
    clock.advanceBy(1000);
    expect(
      (await api('POST', `/api/cases/${caseId}/replies`, { text: 'Merci ! ^JD', confirm: true }, agent.cookie)).status,
    ).toBe(202);
    const clash = await api<ApiErrorBody>('POST', `/api/approvals/${written.body.id}/approve`, {}, lead);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'reply.already_answered', details: { agentName: 'Julie Dupont' } });
    expect((await api('POST', `/api/approvals/${written.body.id}/approve`, { confirm: true }, lead)).status).toBe(200);
    await app.worker.drain();
    expect(brandPosts()).toHaveLength(2);
  });

  it('reposts a post once through the outbox, and says clearly when the plan refuses likes', async () => {
    const { caseId, tweet } = await customerCase();
    const other = await agentWithRole('agent', 'Julie Dupont');
    const inbound = (await detail(caseId)).messages.find((m) => m.direction === 'inbound')!;
    const url = `/api/messages/${inbound.id}/engagements`;

    const repost = await api<Engagement>('POST', url, { kind: 'repost' }, lead);
    expect(repost.status).toBe(202);
    expect(repost.body).toMatchObject({ kind: 'repost', status: 'queued', requestedBy: { name: 'Admin' } });
    // Asked again (double click, another agent): the same engagement, no second job.
    const twice = await api<Engagement>('POST', url, { kind: 'repost' }, other.cookie);
    expect(twice.status).toBe(200);
    expect(twice.body.id).toBe(repost.body.id);
    expect(await app.deps.db.selectFrom('jobs').select('id').where('name', '=', 'engage-post').execute()).toHaveLength(
      1,
    );
    await app.worker.drain();
    expect(brandPosts().filter((t) => t.retweetOfId === tweet.id)).toHaveLength(1);

    // The sandbox plays a self-serve plan: X answers 403 to likes, and the agent is told so.
    expect((await api<Engagement>('POST', url, { kind: 'like' }, lead)).status).toBe(202);
    await app.worker.drain();
    const shown = (await detail(caseId)).messages.find((m) => m.id === inbound.id)!;
    expect(shown.engagements.map((e) => [e.kind, e.status])).toEqual([
      ['like', 'failed'],
      ['repost', 'done'],
    ]);
    expect(shown.engagements[0]!.error).toMatch(/^x\.like_not_allowed: X refused the like \(403\)/);
    // The case screen stops offering what the plan refused; the repost went through, so it stays offered.
    expect((await detail(caseId)).engagementRefused).toEqual(['like']);
    const history = (await detail(caseId)).history.map((e) => e.type);
    expect(history).toEqual(
      expect.arrayContaining(['message.engagement_requested', 'message.engaged', 'message.engagement_failed']),
    );
    // After a failure the agent may try again; after a success, never twice.
    expect((await api<Engagement>('POST', url, { kind: 'like' }, lead)).status).toBe(202);
    expect((await api<Engagement>('POST', url, { kind: 'repost' }, lead)).status).toBe(200);
  });

  it('adopts a repost an interrupted attempt already made instead of reposting again', async () => {
    const { caseId, tweet } = await customerCase();
    const inbound = (await detail(caseId)).messages.find((m) => m.direction === 'inbound')!;
    const asked = await api<Engagement>('POST', `/api/messages/${inbound.id}/engagements`, { kind: 'repost' }, lead);
    // As if a worker had marked it sending, reached X, and died before recording the answer.
    const brand = sandbox().findUser('acme_sav')!;
    sandbox().repost(brand.id, tweet.id);
    await app.deps.db
      .updateTable('engagements')
      .set({ status: 'sending', attempts: 1 })
      .where('id', '=', asked.body.id)
      .execute();
    await app.worker.drain();
    expect(brandPosts().filter((t) => t.retweetOfId === tweet.id)).toHaveLength(1);
    const row = await app.deps.db
      .selectFrom('engagements')
      .select(['status', 'external_id'])
      .where('id', '=', asked.body.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
    expect(row.external_id).toBe(brandPosts()[0]!.id);
  });

  it("refuses to like or repost anything but a customer's public post", async () => {
    const { caseId } = await customerCase();
    await api('POST', `/api/cases/${caseId}/replies`, { text: 'Merci Hugo !' }, lead);
    const outbound = (await detail(caseId)).messages.find((m) => m.direction === 'outbound')!;
    const refused = await api<ApiErrorBody>('POST', `/api/messages/${outbound.id}/engagements`, { kind: 'like' }, lead);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('engagement.not_public_post');
    expect((await api('POST', '/api/messages/nope/engagements', { kind: 'like' }, lead)).status).toBe(404);
  });

  it("holds a trainee's like and repost until a lead approves or rejects them", async () => {
    const { caseId, tweet } = await customerCase();
    const trainee = await agentWithRole('trainee', 'Tom Stagiaire');
    const inbound = (await detail(caseId)).messages.find((m) => m.direction === 'inbound')!;
    const url = `/api/messages/${inbound.id}/engagements`;
    const engageJobs = () => app.deps.db.selectFrom('jobs').select('id').where('name', '=', 'engage-post').execute();

    const repost = await api<Engagement>('POST', url, { kind: 'repost' }, trainee.cookie);
    expect(repost.status).toBe(202);
    expect(repost.body).toMatchObject({
      kind: 'repost',
      status: 'pending_approval',
      requestedBy: { name: 'Tom Stagiaire' },
    });
    clock.advanceBy(1000);
    const like = await api<Engagement>('POST', url, { kind: 'like' }, trainee.cookie);
    expect(like.body.status).toBe('pending_approval');
    // Nothing reaches X, no job exists, however often the worker runs.
    expect(await engageJobs()).toHaveLength(0);
    await app.pollAndWork();
    expect(brandPosts()).toHaveLength(0);
    // Asking again while it waits changes nothing.
    expect((await api<Engagement>('POST', url, { kind: 'repost' }, trainee.cookie)).status).toBe(200);

    // The leads' queue lists both, and counts them with the replies.
    const queue = (await api<PendingApprovalList>('GET', '/api/approvals', null, lead)).body;
    expect(queue.count).toBe(2);
    expect(queue.engagements.map((e) => [e.kind, e.requestedBy?.name, e.post.handle])).toEqual([
      ['repost', 'Tom Stagiaire', 'hugo_b'],
      ['like', 'Tom Stagiaire', 'hugo_b'],
    ]);
    // A trainee cannot approve their own.
    const self = await api<ApiErrorBody>('POST', `/api/engagements/${repost.body.id}/approve`, null, trainee.cookie);
    expect(self.status).toBe(403);

    const approved = await api<Engagement>('POST', `/api/engagements/${repost.body.id}/approve`, null, lead);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'queued', decidedBy: { name: 'Admin' } });
    const rejected = await api<Engagement>(
      'POST',
      `/api/engagements/${like.body.id}/reject`,
      { comment: 'On ne like pas les réclamations.' },
      lead,
    );
    expect(rejected.body).toMatchObject({ status: 'rejected', comment: 'On ne like pas les réclamations.' });
    const again = await api<ApiErrorBody>('POST', `/api/engagements/${like.body.id}/approve`, null, lead);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('approval.already_decided');

    await app.worker.drain();
    expect(brandPosts().filter((t) => t.retweetOfId === tweet.id)).toHaveLength(1);
    const shown = (await detail(caseId)).messages.find((m) => m.id === inbound.id)!;
    expect(shown.engagements.map((e) => [e.kind, e.status])).toEqual([
      ['like', 'rejected'],
      ['repost', 'done'],
    ]);
    expect((await api<PendingApprovalList>('GET', '/api/approvals', null, lead)).body.count).toBe(0);
    const history = (await detail(caseId)).history.map((e) => e.type);
    expect(history).toEqual(
      expect.arrayContaining([
        'message.engagement_approval_requested',
        'message.engagement_approved',
        'message.engagement_rejected',
        'message.engaged',
      ]),
    );
    // A lead liking the post themselves after a rejection does it at once.
    const byLead = await api<Engagement>('POST', url, { kind: 'like' }, lead);
    expect(byLead.status).toBe(202);
    expect(byLead.body.status).toBe('queued');
  });
});
