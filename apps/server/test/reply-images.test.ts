import fs from 'node:fs';
import path from 'node:path';
import type { CaseDetail, CaseList, Message, OutgoingMedia } from '@guichet/contracts';
import { sandboxImagePng } from '@guichet/x-sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const PNG = sandboxImagePng('receipt');
// The smallest valid GIF: 1×1, one colour.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');

/**
 * Issue 12, item 4: agents attach pictures to public replies and DMs. X's limits are checked by the desk
 * before anything goes out (clear 422 codes), the file waits in the data folder, and it is uploaded to X
 * once per reply: a retry after a lost answer reuses the media id and never posts twice.
 */
describe.each(TEST_DIALECTS)('replies with pictures (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, sandbox, brand, customer, mention } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await start({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const upload = (data: Buffer, contentType = 'image/png') =>
    api<OutgoingMedia & ApiError>('POST', '/api/media/uploads', { contentType, data: data.toString('base64') });

  async function customerCase() {
    mention('camille_durand', '@acme_sav Mon colis est arrivé écrasé', 'Camille Durand');
    clock.advanceBy(1000);
    await app.pollAndWork();
    return (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
  }

  it('checks each file: type against its bytes, size, allowed types; keeps it private in the data folder', async () => {
    const stored = await upload(PNG);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
    const file = await app.http.inject({ url: stored.body.url, headers: { cookie: await app.signIn() } });
    expect([file.statusCode, file.headers['content-type']]).toEqual([200, 'image/png']);
    expect(file.rawPayload.equals(PNG)).toBe(true);
    const folder = path.join(app.config.dataDir, 'outgoing-media');
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    for (const name of fs.readdirSync(folder)) expect(fs.statSync(path.join(folder, name)).mode & 0o777).toBe(0o600);

    const refusals = [
      [await upload(PNG, 'image/jpeg'), 'media.type_mismatch'],
      [await upload(Buffer.from('%PDF-1.7'), 'application/pdf'), 'media.unsupported_type'],
      [await upload(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)])), 'media.too_large'],
    ] as const;
    for (const [response, code] of refusals) expect([response.status, response.body.error.code]).toEqual([422, code]);
    const gif = await upload(GIF, 'image/gif');
    expect(gif.status).toBe(201);
    // Taken back out of the composer: the row and the file are gone.
    expect((await api('DELETE', `/api/media/uploads/${gif.body.id}`)).status).toBe(204);
    expect((await api('GET', gif.body.url)).status).toBe(404);
    expect(fs.readdirSync(folder).some((name) => name.startsWith(gif.body.id))).toBe(false);
    expect((await api('POST', '/api/media/uploads', { contentType: 'image/png', data: '***' })).status).toBe(400);
  });

  it('refuses what X would refuse before sending: 5 pictures, a GIF with a picture, 2 on a DM, an unknown one', async () => {
    const caseId = await customerCase();
    const ids = async (n: number) => Promise.all(Array.from({ length: n }, async () => (await upload(PNG)).body.id));
    const reply = (mediaIds: string[], extra: Record<string, unknown> = {}) =>
      api<ApiError>('POST', `/api/cases/${caseId}/replies`, { text: 'Voici les étiquettes.', mediaIds, ...extra });

    const five = await reply(await ids(5));
    expect([five.status, five.body.error.code, five.body.error.details]).toEqual([
      422,
      'reply.too_many_media',
      { count: 5, limit: 4 },
    ]);
    const gif = (await upload(GIF, 'image/gif')).body.id;
    const mixed = await reply([gif, ...(await ids(1))]);
    expect([mixed.status, mixed.body.error.code]).toEqual([422, 'reply.gif_alone']);
    const unknown = await reply(['01HZZZZZZZZZZZZZZZZZZZZZZZ']);
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'reply.media_not_found']);

    const camille = customer('camille_durand');
    sandbox().sendDm(camille.id, brand().id, 'Et par message privé ?');
    // DMs are read far less often than mentions (15 reads per 15 minutes): a few minutes go by.
    clock.advanceBy(5 * 60_000);
    await app.pollAndWork();
    // The DM may open its own case: answer it where it is.
    const dm = await app.deps.db
      .selectFrom('messages')
      .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
      .select(['messages.id', 'case_conversations.case_id'])
      .where('messages.visibility', '=', 'direct')
      .executeTakeFirstOrThrow();
    const two = await api<ApiError>('POST', `/api/cases/${dm.case_id}/replies`, {
      text: 'Voici les étiquettes.',
      mediaIds: await ids(2),
      inReplyToMessageId: dm.id,
    });
    expect([two.status, two.body.error.code, two.body.error.details]).toEqual([
      422,
      'reply.too_many_media',
      { count: 2, limit: 1 },
    ]);
    // Nothing went out and nothing was bound: the pictures are still free for the next try.
    expect(
      await app.deps.db.selectFrom('outgoing_media').select('id').where('message_id', 'is not', null).execute(),
    ).toEqual([]);
    expect(sandbox().listTweets({ authorId: brand().id })).toEqual([]);
  });

  it('posts a reply with its pictures once, reusing the media id when the first answer is lost', async () => {
    const caseId = await customerCase();
    const pictures = [(await upload(PNG)).body.id, (await upload(sandboxImagePng('router'))).body.id];
    sandbox().setFaults({ ackLost: { count: 1, endpoint: 'POST /2/tweets' } });
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Voici les deux étiquettes de retour.',
      mediaIds: pictures,
    });
    expect(sent.status).toBe(202);
    expect(sent.body.attachments.media).toEqual([
      expect.objectContaining({ type: 'photo', private: true }),
      expect.objectContaining({ type: 'photo', private: true }),
    ]);
    await app.worker.drain(); // uploaded, posted by X, answer lost
    clock.advanceBy(5 * 60_000);
    await app.worker.drain(); // the retry finds the post on X by its text and media ids

    const onX = sandbox().listTweets({ authorId: brand().id });
    expect(onX).toHaveLength(1);
    const rows = await app.deps.db.selectFrom('outgoing_media').selectAll().orderBy('position').execute();
    expect(onX[0]!.media!.map((m) => m.mediaKey)).toEqual(rows.map((r) => `3_${r.external_media_id}`));
    const message = await app.deps.db
      .selectFrom('messages')
      .select(['delivery_status', 'external_id'])
      .where('id', '=', sent.body.id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ delivery_status: 'sent', external_id: onX[0]!.id });
    // The files on X are the agent's own, byte for byte.
    const served = await fetch(`${app.deps.sandbox!.url}/media/${onX[0]!.media![1]!.mediaKey}.png`);
    expect(Buffer.from(await served.arrayBuffer()).equals(sandboxImagePng('router'))).toBe(true);
    // The thread shows the reply's pictures from the desk's copy.
    const shown = await app.http.inject({
      url: `/api/messages/${sent.body.id}/media/1`,
      headers: { cookie: await app.signIn() },
    });
    expect([shown.statusCode, shown.headers['x-media-source']]).toEqual([200, 'outgoing']);
    // A picture sent with one reply cannot go out with another.
    const again = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Encore une fois.',
      mediaIds: [pictures[0]],
      confirm: true,
    });
    expect([again.status, again.body.error.code]).toEqual([422, 'reply.media_in_use']);
  });

  it('uploads again, once, when X has forgotten the media id of a reply still waiting to go out', async () => {
    const caseId = await customerCase();
    const picture = (await upload(PNG)).body.id;
    // X is down when the reply is first tried: the picture is uploaded, the post is refused with a 503.
    sandbox().setFaults({ serverError: { status: 503, count: 1, endpoint: 'POST /2/tweets' } });
    await api('POST', `/api/cases/${caseId}/replies`, { text: 'Voici l’étiquette.', mediaIds: [picture] });
    await app.worker.drain();
    const first = await app.deps.db.selectFrom('outgoing_media').selectAll().executeTakeFirstOrThrow();
    expect(first.external_media_id).not.toBeNull();
    // A day later X no longer knows that upload (and the desk was not told when it would expire).
    await app.deps.db.updateTable('outgoing_media').set({ external_expires_at: null }).execute();
    clock.advanceBy(25 * 3600_000);
    await app.worker.drain(); // refused: "Your media IDs are invalid." — nothing posted, ids forgotten
    clock.advanceBy(10 * 60_000);
    await app.worker.drain(); // uploaded again, posted once

    const onX = sandbox().listTweets({ authorId: brand().id });
    const again = await app.deps.db.selectFrom('outgoing_media').selectAll().executeTakeFirstOrThrow();
    expect(again.external_media_id).not.toBe(first.external_media_id);
    expect(onX.map((t) => t.media?.map((m) => m.mediaKey))).toEqual([[`3_${again.external_media_id}`]]);
  });

  it('sends a DM with its picture, uploaded as DM media', async () => {
    const camille = customer('camille_durand');
    sandbox().sendDm(camille.id, brand().id, 'Pouvez-vous m’envoyer l’étiquette ?');
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const dm = (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body.messages.find(
      (m) => m.visibility === 'direct',
    )!;
    const picture = (await upload(PNG)).body.id;
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Voici l’étiquette.',
      inReplyToMessageId: dm.id,
      mediaIds: [picture],
    });
    expect(sent.status).toBe(202);
    await app.worker.drain();
    const ours = sandbox()
      .listDmEvents({ userId: camille.id })
      .filter((e) => e.senderId === brand().id);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ text: 'Voici l’étiquette.', media: { type: 'photo' } });
  });
});
