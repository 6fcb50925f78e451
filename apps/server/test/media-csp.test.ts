import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

/** Issue 12: message media load from X's CDN, and from the built-in sandbox's own media host when it runs. */
describe('media hosts in the Content-Security-Policy', () => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  const directive = (csp: string, name: string) =>
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find((d) => d[0] === name)
      ?.slice(1) ?? [];

  it('lists the sandbox origin for images and video only when the sandbox runs', async () => {
    app = await createTestApp();
    const sandboxOrigin = new URL(app.deps.sandbox!.url).origin;
    const csp = String((await app.http.inject({ url: '/healthz' })).headers['content-security-policy']);
    expect(directive(csp, 'img-src')).toEqual(
      expect.arrayContaining(['https://pbs.twimg.com', 'https://video.twimg.com', sandboxOrigin]),
    );
    expect(directive(csp, 'media-src')).toEqual(expect.arrayContaining(['https://video.twimg.com', sandboxOrigin]));
    expect(directive(csp, 'connect-src')).not.toContain(sandboxOrigin);
    await app.close();

    app = await createTestApp({ env: { GUICHET_SANDBOX: 'off' } });
    const plain = String((await app.http.inject({ url: '/healthz' })).headers['content-security-policy']);
    expect(directive(plain, 'img-src').some((v) => v.startsWith('http://'))).toBe(false);
  });
});
