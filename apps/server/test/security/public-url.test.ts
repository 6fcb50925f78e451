import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.ts';

/** Finding (low): the OAuth `redirect_uri` was built from forwarded headers anyone can send. */
describe('security: absolute URLs come from GUICHET_PUBLIC_URL, not from forwarded headers', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  async function redirectUri(headers: Record<string, string>, remoteAddress = '203.0.113.4') {
    const cookie = await app.signIn();
    const start = await app.http.inject({
      url: '/api/channels/x/oauth2/start',
      remoteAddress,
      headers: { cookie, ...headers },
    });
    expect(start.statusCode).toBe(302);
    return new URL(String(start.headers.location)).searchParams.get('redirect_uri');
  }
  const forged = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', host: 'desk.internal:3000' };

  it('uses the public URL whatever the request says', async () => {
    app = await createTestApp({ env: { GUICHET_PUBLIC_URL: 'https://desk.example.com/' } });
    expect(await redirectUri(forged)).toBe('https://desk.example.com/api/channels/x/oauth2/callback');
  });

  it('without it, uses the Host the request came to and ignores forwarded headers from untrusted peers', async () => {
    app = await createTestApp();
    expect(await redirectUri(forged)).toBe('http://desk.internal:3000/api/channels/x/oauth2/callback');
  });

  it('believes forwarded headers from a trusted proxy only', async () => {
    app = await createTestApp({ env: { GUICHET_TRUSTED_PROXIES: '10.0.0.2' } });
    const proxied = {
      'x-forwarded-host': 'desk.example.org',
      'x-forwarded-proto': 'https',
      host: 'desk.internal:3000',
    };
    expect(await redirectUri(proxied, '10.0.0.2')).toBe('https://desk.example.org/api/channels/x/oauth2/callback');
    expect(await redirectUri(proxied, '203.0.113.4')).toBe('http://desk.internal:3000/api/channels/x/oauth2/callback');
  });
});
