import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseList, Message, PendingApprovalList } from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { publicLength } from '../src/modules/cases/cases.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { deskClient } from './api-client.ts';
import type { TestApp } from './test-app.ts';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Replies under pressure (F8, F13): the clash guard holds when two agents send at the same instant, and a
 * long public reply goes out as a numbered thread, each part answering the one before, in order, once.
 */
describe.each(TEST_DIALECTS)('replies: clash guard and threads (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, cookie, sandbox, mention } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await startDesk({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
  const outbound = async (caseId: string) =>
    (await detail(caseId)).messages.filter((message) => message.direction === 'outbound');

  async function customerCase(text = '@acme_sav Mon colis n’est jamais arrivé, que faire ?') {
    const tweet = mention('camille_durand', text, 'Camille Durand');
    clock.advanceBy(1000);
    await app.pollAndWork();
    const cases = (await api<CaseList>('GET', '/api/cases')).body.cases;
    return { caseId: cases[0]!.id, tweet };
  }

  async function agent(name: string, role: 'agent' | 'lead' | 'trainee' = 'agent') {
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const email = `${name.toLowerCase().replace(/\W/g, '')}@acme.test`;
    const added = await addAgent(app.deps, { workspaceId, email, name, role, password: 'a long enough password' });
    return { id: added.id, cookie: await app.signIn({ email: added.email, password: added.password }) };
  }

  /** The brand's posts on the sandbox that answer this post, oldest first. */
  const brandReplies = (inReplyToTweetId: string) => sandbox().listTweets({ inReplyToTweetId });

  it('lets exactly one of two simultaneous replies by two agents through; the other must confirm', async () => {
    const { caseId, tweet } = await customerCase();
    const julie = await agent('Julie Dupont');
    const [admin, other] = await Promise.all([
      api<Message | ApiError>('POST', `/api/cases/${caseId}/replies`, { text: 'Bonjour Camille, je regarde. ^A' }),
      api<Message | ApiError>(
        'POST',
        `/api/cases/${caseId}/replies`,
        { text: 'Bonjour ! Je m’en occupe. ^JD' },
        julie.cookie,
      ),
    ]);
    const statuses = [admin.status, other.status].sort();
    expect(statuses).toEqual([202, 409]);
    const refused = (admin.status === 409 ? admin : other).body as ApiError;
    expect(refused.error.code).toBe('reply.already_answered');
    const queued = await outbound(caseId);
    expect(queued).toHaveLength(1);
    // The refused reply left nothing behind: no message, no count, no job.
    expect((await detail(caseId)).case.messageCount).toBe(2);

    await app.pollAndWork();
    expect(brandReplies(tweet.id)).toHaveLength(1);

    // Confirmed, the second agent's reply goes out too.
    const loser = admin.status === 409 ? cookie() : julie.cookie;
    const confirmed = await api('POST', `/api/cases/${caseId}/replies`, { text: 'Je complète.', confirm: true }, loser);
    expect(confirmed.status).toBe(202);
    await app.pollAndWork();
    expect(brandReplies(tweet.id)).toHaveLength(2);
  });

  it('creates one reply when the same submission arrives twice at once', async () => {
    const { caseId } = await customerCase();
    const request = { text: 'Bonjour Camille ! ^A', idempotencyKey: 'double-click-0001' };
    const [a, b] = await Promise.all([
      api<Message>('POST', `/api/cases/${caseId}/replies`, request),
      api<Message>('POST', `/api/cases/${caseId}/replies`, request),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).toBe(b.body.id);
    expect(await outbound(caseId)).toHaveLength(1);
  });

  const longReply = [
    'Bonjour Camille, merci pour votre patience.',
    'Nous avons retrouvé votre colis au dépôt de Lyon : il repart demain matin et sera chez vous jeudi.',
    'Vous recevrez un SMS avec le créneau de livraison la veille au soir, et le suivi est déjà à jour sur le site.',
    'Si le créneau ne vous convient pas, répondez simplement au SMS pour choisir un autre jour ou un point relais.',
    'Nous avons aussi prévenu le transporteur : votre adresse et votre code de porte sont bien notés cette fois.',
    'Et pour le retard, un bon de réduction de 10 € vous attend dans votre espace client, valable deux mois.',
    'Encore désolés pour ce contretemps, et n’hésitez pas à nous écrire ici si quoi que ce soit cloche. Belle journée ! ^AD',
  ].join(' ');

  /** What the composer previews (apps/web/src/features/composer/xLength.ts): the same rule, fixed here. */
  function threadOf(text: string, total: number): string[] {
    const words = text.split(' ');
    const parts: string[] = [];
    let current = '';
    for (const word of words) {
      const candidate = current ? `${current} ${word}` : word;
      if (publicLength(`${candidate} ${parts.length + 1}/${total}`) > 280) {
        parts.push(current);
        current = word;
      } else current = candidate;
    }
    parts.push(current);
    return parts.map((part, index) => `${part} ${index + 1}/${parts.length}`);
  }

  it('sends a long public reply as a thread: each part answers the one before, in order, once', async () => {
    const { caseId, tweet } = await customerCase();
    const parts = threadOf(longReply, 3);
    expect(parts).toHaveLength(3);
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: longReply, parts });
    expect(sent.status).toBe(202);
    expect(sent.body.text).toBe(parts[0]);

    let messages = await outbound(caseId);
    expect(messages.map((m) => m.text)).toEqual(parts);
    expect(messages.map((m) => m.deliveryStatus)).toEqual(['queued', 'queued', 'queued']);
    expect(messages[1]!.inReplyToMessageId).toBe(messages[0]!.id);
    expect(messages[2]!.inReplyToMessageId).toBe(messages[1]!.id);

    await app.pollAndWork();
    messages = await outbound(caseId);
    expect(messages.map((m) => m.deliveryStatus)).toEqual(['sent', 'sent', 'sent']);
    // On X: part 1 answers the customer, part 2 answers part 1, part 3 answers part 2.
    const first = brandReplies(tweet.id);
    expect(first).toHaveLength(1);
    expect(first[0]!.id).toBe(messages[0]!.externalId);
    const second = brandReplies(messages[0]!.externalId!);
    expect(second.map((t) => t.id)).toEqual([messages[1]!.externalId]);
    const third = brandReplies(messages[1]!.externalId!);
    expect(third.map((t) => t.id)).toEqual([messages[2]!.externalId]);
    expect(third[0]!.text).toContain('3/3');

    // Nothing is posted twice, however often the worker runs again.
    await app.pollAndWork();
    const brand = sandbox().findUser('acme_sav')!;
    expect(sandbox().listTweets({ authorId: brand.id })).toHaveLength(3);
    const events = (await detail(caseId)).history.filter((e) => e.type === 'message.sent');
    expect(events).toHaveLength(3);
  });

  it('stops a thread at a part X refuses: later parts never go out, and say why', async () => {
    const { caseId, tweet } = await customerCase();
    const parts = threadOf(longReply, 3);
    await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: longReply, parts });
    const [, second] = await outbound(caseId);
    // X refuses part 2 for good (403, over its length limit): made so behind the desk's back.
    await app.deps.db
      .updateTable('messages')
      .set({ text: 'x'.repeat(300) })
      .where('id', '=', second!.id)
      .execute();
    await app.pollAndWork();
    const messages = await outbound(caseId);
    expect(messages.map((m) => m.deliveryStatus)).toEqual(['sent', 'failed', 'failed']);
    expect(messages[1]!.deliveryError).not.toMatch(/^thread\./);
    expect(messages[2]!.deliveryError).toMatch(/^thread\.previous_part_failed/);
    expect(brandReplies(tweet.id)).toHaveLength(1);
    expect(brandReplies(messages[0]!.externalId!)).toHaveLength(0);
  });

  it('refuses a thread whose parts are not the text, are too long, or are not public', async () => {
    const { caseId } = await customerCase();
    const parts = threadOf(longReply, 3);
    const mismatch = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, {
      text: longReply,
      parts: [parts[0], parts[2]],
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('reply.thread_mismatch');
    const tooLong = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, {
      text: `${'a'.repeat(300)} b`,
      parts: [`${'a'.repeat(300)} 1/2`, 'b 2/2'],
    });
    expect(tooLong.body.error).toMatchObject({ code: 'reply.part_too_long', details: { part: 1 } });
    const unsplit = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, { text: longReply });
    expect(unsplit.status).toBe(400);
    expect(unsplit.body.error.code).toBe('reply.too_long');
    expect(await outbound(caseId)).toHaveLength(0);
  });

  it('holds a trainee’s thread for approval as a whole, then sends every part in order', async () => {
    const { caseId, tweet } = await customerCase();
    const trainee = await agent('Tom Trainee', 'trainee');
    const parts = threadOf(longReply, 3);
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: longReply, parts }, trainee.cookie);
    expect(sent.status).toBe(202);
    expect((await outbound(caseId)).map((m) => m.deliveryStatus)).toEqual([
      'pending_approval',
      'pending_approval',
      'pending_approval',
    ]);
    const queue = (await api<PendingApprovalList>('GET', '/api/approvals')).body;
    expect(queue.count).toBe(1);
    await app.pollAndWork();
    expect(brandReplies(tweet.id)).toHaveLength(0);

    expect((await api('POST', `/api/approvals/${sent.body.id}/approve`, {})).status).toBe(200);
    await app.pollAndWork();
    expect((await outbound(caseId)).map((m) => m.deliveryStatus)).toEqual(['sent', 'sent', 'sent']);
  });

  it('rejects a trainee’s thread as a whole', async () => {
    const { caseId } = await customerCase();
    const trainee = await agent('Tom Trainee', 'trainee');
    const parts = threadOf(longReply, 3);
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, { text: longReply, parts }, trainee.cookie);
    const rejected = await api('POST', `/api/approvals/${sent.body.id}/reject`, { comment: 'Trop long, fais court.' });
    expect(rejected.status).toBe(200);
    expect((await outbound(caseId)).map((m) => m.deliveryStatus)).toEqual(['rejected', 'rejected', 'rejected']);
    await app.pollAndWork();
    expect(sandbox().listTweets({ authorId: sandbox().findUser('acme_sav')!.id })).toHaveLength(0);
  });
});
