import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.ts';

/** Finding (low): no security headers on the desk (CSP, nosniff, frame-ancestors, Referrer-Policy, HSTS). */
describe('security: response headers', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  const directives = (csp: string) =>
    Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );

  it('sends a strict CSP for the web app, nosniff, no framing and a same-origin referrer policy everywhere', async () => {
    app = await createTestApp({ env: { GUICHET_SANDBOX: 'off' } });
    for (const url of ['/', '/inbox', '/api/auth/session', '/healthz', '/api/nothing']) {
      const response = await app.http.inject({ url });
      expect({ url, nosniff: response.headers['x-content-type-options'] }).toEqual({ url, nosniff: 'nosniff' });
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['strict-transport-security']).toBeUndefined();
      const csp = directives(String(response.headers['content-security-policy']));
      expect(csp).toMatchObject({
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'frame-ancestors': ["'none'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
      });
      expect(csp['img-src']).toEqual(expect.arrayContaining(["'self'", 'data:', 'https://pbs.twimg.com']));
      expect(csp['media-src']).toEqual(expect.arrayContaining(['https://video.twimg.com']));
      expect(csp['script-src']).not.toContain("'unsafe-inline'");
      expect(csp['upgrade-insecure-requests']).toBeUndefined();
    }
  });

  it('adds HSTS and upgrades requests only when the desk is served over https', async () => {
    app = await createTestApp({
      env: { GUICHET_SANDBOX: 'off', GUICHET_COOKIE_SECURE: 'true', GUICHET_PUBLIC_URL: 'https://desk.example.com' },
    });
    const response = await app.http.inject({ url: '/healthz' });
    expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    const csp = directives(String(response.headers['content-security-policy']));
    expect(csp['upgrade-insecure-requests']).toEqual([]);
    expect(csp['connect-src']).toEqual(["'self'", 'wss://desk.example.com']);
  });
});
