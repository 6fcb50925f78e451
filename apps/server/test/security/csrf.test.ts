import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN, type TestApp } from '../test-app.ts';

/**
 * Finding (low): CSRF defence was SameSite=Lax alone: a JSON note from `Origin: https://evil.example` was
 * accepted, and body-less POSTs took `text/plain` (one started a model retrain). State-changing /api requests
 * are now refused from a foreign Origin or Referer (403) and without a JSON content type (415).
 */
describe('security: cross-site request forgery', () => {
  let app: TestApp;
  let cookie: string;
  beforeAll(async () => {
    app = await createTestApp({ env: { GUICHET_SANDBOX: 'off' } });
    cookie = await app.signIn();
  });
  afterAll(async () => {
    await app.close();
  });

  const markAlertsRead = (headers: Record<string, string>, payload?: string) =>
    app.http.inject({
      method: 'POST',
      url: '/api/sla/alerts/read',
      headers: { cookie, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });

  it('refuses changes whose Origin or Referer is another site, and accepts the desk’s own', async () => {
    const json = { 'content-type': 'application/json' };
    const foreigns: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'http://evil.localhost' },
      { origin: 'null' },
      { origin: 'http://localhost:8080' },
      { referer: 'https://evil.example/phish.html' },
    ];
    for (const foreign of foreigns) {
      const refused = await markAlertsRead({ ...json, ...foreign }, '{}');
      expect({ foreign, status: refused.statusCode }).toEqual({ foreign, status: 403 });
      expect(refused.json().error.code).toBe('request.foreign_origin');
    }
    expect((await markAlertsRead({ ...json, origin: 'http://localhost' }, '{}')).statusCode).toBe(200);
    expect((await markAlertsRead({ ...json, referer: 'http://localhost/inbox' }, '{}')).statusCode).toBe(200);
    expect((await markAlertsRead(json, '{}')).statusCode).toBe(200);
    // Reads are not changes.
    const read = await app.http.inject({ url: '/api/sla/alerts', headers: { cookie, origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200);
  });

  it('refuses a JSON note posted from a foreign origin, and a sign-in from one', async () => {
    const note = await app.http.inject({
      method: 'POST',
      url: '/api/contacts/some-contact/notes',
      headers: { cookie, origin: 'https://evil.example' },
      payload: { text: 'planted' },
    });
    expect(note.statusCode).toBe(403);
    const signIn = await app.http.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { origin: 'https://evil.example' },
      payload: TEST_ADMIN,
    });
    expect(signIn.statusCode).toBe(403);
    expect(signIn.cookies).toEqual([]);
  });

  it('refuses POSTs that are not JSON, even body-less ones, so a form cannot start a retrain', async () => {
    const retrain = await app.http.inject({
      method: 'POST',
      url: '/api/triage/models',
      headers: { cookie, 'content-type': 'text/plain' },
      payload: '',
    });
    expect(retrain.statusCode).toBe(415);
    expect(retrain.json().error.code).toBe('request.json_required');
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      expect((await markAlertsRead({ 'content-type': type }, 'a=1')).statusCode).toBe(415);
    }
    expect((await markAlertsRead({})).statusCode).toBe(415);
    expect(await app.deps.db.selectFrom('triage_models').select('id').execute()).toEqual([]);
    // A JSON content type without a body is a body-less change, as the web app sends it.
    expect((await markAlertsRead({ 'content-type': 'application/json; charset=utf-8' })).statusCode).toBe(200);
    const put = await app.http.inject({
      method: 'PUT',
      url: '/api/reply-settings',
      headers: { cookie, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(put.statusCode).toBe(415);
    // A DELETE cannot cross sites without the browser asking first: no body, no content type needed.
    const remove = await app.http.inject({ method: 'DELETE', url: '/api/templates/none', headers: { cookie } });
    expect(remove.statusCode).toBe(204);
  });

  it('leaves X’s webhooks (outside /api, signed) to their own check', async () => {
    const delivery = await app.http.inject({
      method: 'POST',
      url: '/webhooks/x/some-channel',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(delivery.statusCode).toBe(404);
  });
});

describe('security: cross-site requests with GUICHET_PUBLIC_URL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { GUICHET_SANDBOX: 'off', GUICHET_PUBLIC_URL: 'https://desk.example.com' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('accepts changes from the public origin only, whatever the Host header says', async () => {
    const cookie = await app.signIn();
    const post = (origin: string, host: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/sla/alerts/read',
        headers: { cookie, origin, host, 'content-type': 'application/json' },
      });
    expect((await post('https://desk.example.com', 'desk.example.com')).statusCode).toBe(200);
    expect((await post('https://evil.example', 'evil.example')).statusCode).toBe(403);
    expect((await post('http://desk.example.com', 'desk.example.com')).statusCode).toBe(403);
  });
});
