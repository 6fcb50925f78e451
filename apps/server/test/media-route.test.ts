import fs from 'node:fs';
import path from 'node:path';
import type { CaseDetail, CaseList } from '@guichet/contracts';
import type { Connector } from '@guichet/connectors';
import { sandboxImagePng } from '@guichet/x-sandbox';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PRIVATE_MEDIA_BYTES } from '../src/modules/media/private-media.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

/**
 * Issue 12: a DM's picture on X needs the account's credentials, so the desk serves it through its own
 * route, signed-in agents only, read through the channel's connector, cached in the data folder (0600 files
 * in a 0700 folder), refused when too big or not an allowed type.
 */
describe.each(TEST_DIALECTS)('DM media through the desk (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, sandbox, brand, customer } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await start({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  async function dmWithPhoto() {
    const camille = customer('camille_durand');
    sandbox().sendDm(camille.id, brand().id, 'Voici le colis reçu', [{ type: 'photo', image: 'parcel' }]);
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const caseId = (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
    const message = (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body.messages.find(
      (m) => m.visibility === 'direct',
    )!;
    return { message, url: `/api/messages/${message.id}/media/0` };
  }

  const get = (url: string, cookie?: string) =>
    app.http.inject({ method: 'GET', url, headers: cookie === undefined ? {} : { cookie } });

  it('serves a DM picture to signed-in agents only, from X once, then from the cache', async () => {
    const { message, url } = await dmWithPhoto();
    expect(message.attachments.media).toEqual([expect.objectContaining({ type: 'photo', private: true })]);
    const cookie = await app.signIn();

    expect((await get(url)).statusCode).toBe(401);
    const first = await get(url, cookie);
    expect([first.statusCode, first.headers['content-type'], first.headers['x-media-source']]).toEqual([
      200,
      'image/png',
      'network',
    ]);
    expect(first.rawPayload.equals(sandboxImagePng('parcel'))).toBe(true);
    expect(first.headers['cache-control']).toBe('private, max-age=86400');

    const fetches = vi.spyOn(app.deps.connectors, 'get');
    const second = await get(url, cookie);
    expect([second.statusCode, second.headers['x-media-source']]).toEqual([200, 'cache']);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(fetches).not.toHaveBeenCalled();

    const folder = path.join(app.config.dataDir, 'media-cache');
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(folder);
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(folder, files[0]!)).mode & 0o777).toBe(0o600);
  });

  it('answers 404 for an unknown message or index, and for public media', async () => {
    const { message } = await dmWithPhoto();
    const cookie = await app.signIn();
    const unknown = await get('/api/messages/nope/media/0', cookie);
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'media.not_found']);
    const noIndex = await get(`/api/messages/${message.id}/media/3`, cookie);
    expect([noIndex.statusCode, noIndex.json().error.code]).toEqual([404, 'media.not_found']);
    expect((await get(`/api/messages/${message.id}/media/x`, cookie)).statusCode).toBe(400);

    sandbox().post(customer('lea_martin').id, { text: '@acme_sav regardez', media: [{ type: 'photo' }] });
    clock.advanceBy(60_000);
    await app.pollAndWork();
    const publicPost = await app.deps.db
      .selectFrom('messages')
      .select('id')
      .where('visibility', '=', 'public')
      .executeTakeFirstOrThrow();
    const refused = await get(`/api/messages/${publicPost.id}/media/0`, cookie);
    expect([refused.statusCode, refused.json().error.code]).toEqual([404, 'media.public']);
  });

  /** The channel's connector, answering DM media reads with `file`. */
  function networkAnswers(file: { data: Buffer; contentType: string }) {
    const real = app.deps.connectors.get.bind(app.deps.connectors);
    vi.spyOn(app.deps.connectors, 'get').mockImplementation((channel) => {
      const connector = real(channel);
      return { ...connector, fetchPrivateMedia: async () => file } as Connector;
    });
  }

  it('refuses a file that is too big or not an allowed type, and caches nothing', async () => {
    const { url } = await dmWithPhoto();
    const cookie = await app.signIn();
    const png = sandboxImagePng('parcel');

    networkAnswers({ data: Buffer.concat([png, Buffer.alloc(MAX_PRIVATE_MEDIA_BYTES)]), contentType: 'image/png' });
    const big = await get(url, cookie);
    expect([big.statusCode, big.json().error.code]).toEqual([422, 'media.too_large']);

    vi.restoreAllMocks();
    networkAnswers({ data: Buffer.from('<html><script>alert(1)</script></html>'), contentType: 'text/html' });
    const html = await get(url, cookie);
    expect([html.statusCode, html.json().error.code]).toEqual([422, 'media.unsupported_type']);

    vi.restoreAllMocks();
    // Labelled a picture, but the bytes are not one.
    networkAnswers({ data: Buffer.from('GIF-looking? no: plain text'), contentType: 'image/gif' });
    const lying = await get(url, cookie);
    expect([lying.statusCode, lying.json().error.code]).toEqual([422, 'media.unsupported_type']);

    expect(fs.readdirSync(path.join(app.config.dataDir, 'media-cache'))).toEqual([]);
  });
});
