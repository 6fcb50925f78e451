import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-app.ts';

/**
 * Finding (medium): the auth hook tested the raw URL while the router decodes it, so `GET /%61pi/openapi.json`
 * answered 200 without a session and `POST /%61pi/cases/bulk` reached validation. Authentication is now
 * decided on the route the router matched. Every private route is tried under spellings that a router or a
 * proxy may read as the same path: each must answer 401 (matched, refused) or 404 (not matched), never a
 * success nor a validation error (which would mean the handler's checks were reached).
 */
describe('security: route authentication is decided on the matched route', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { GUICHET_SANDBOX: 'off' } });
  });
  afterAll(async () => {
    await app.close();
  });

  const encodeChar = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  /** Ways of writing one path that a decoding router, a proxy or a browser may take for the same route. */
  function spellings(path: string): string[] {
    const rest = path.slice('/api'.length);
    const last = path.length - 1;
    return [
      path,
      `/%61pi${rest}`,
      `/%61%70%69${rest}`,
      `/a%70i${rest}`,
      path.slice(0, last) + encodeChar(path[last]!),
      `//api${rest}`,
      path.replace(/\//g, '//'),
      `${path}/`,
      `${path}/.`,
      `${path}/..`,
      `/api/.${rest}`,
      `/api/./${rest.slice(1)}`,
      `/api/x/..${rest}`,
      `/api%2F${rest.slice(1)}`,
      `${path}%2F`,
      `${path};x`,
      `${path}?x=1`,
      `${path}#x`,
      `/API${rest}`,
      `${path}%00`,
    ];
  }

  it('refuses every private route under every spelling without a session', async () => {
    const privateRoutes = app.http.registeredRoutes.filter((r) => r.private && r.method !== 'HEAD');
    expect(privateRoutes.length).toBeGreaterThan(80);
    const failures: string[] = [];
    let tried = 0;
    for (const route of privateRoutes) {
      const path = route.url.replace(/:(\w+)/g, 'x').replace(/\*/g, 'x');
      for (const url of spellings(path)) {
        const response = await app.http.inject({
          method: route.method as 'GET',
          url,
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        tried += 1;
        if (response.statusCode !== 401 && response.statusCode !== 404) {
          failures.push(`${route.method} ${url} → ${response.statusCode} ${response.body.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(1500);
  });

  it('keeps the two probes of the finding out', async () => {
    const openapi = await app.http.inject({ url: '/%61pi/openapi.json' });
    expect(openapi.statusCode).toBe(401);
    expect(openapi.json().error.code).toBe('auth.required');
    const bulk = await app.http.inject({ method: 'POST', url: '/%61pi/cases/bulk', payload: { nonsense: true } });
    expect(bulk.statusCode).toBe(401);
  });

  it('lists a route as private exactly when its pattern is under /api and it is not marked public', () => {
    for (const route of app.http.registeredRoutes) {
      expect({ route: `${route.method} ${route.url}`, private: route.private }).toEqual({
        route: `${route.method} ${route.url}`,
        private: (route.url === '/api' || route.url.startsWith('/api/')) && !route.public,
      });
    }
  });
});
