import { sessionInfoSchema } from '@guichet/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiErrorFromResponse, clientErrorCodes } from './errors.ts';
import { HttpClient } from './http.ts';

const session = {
  agent: { id: 'agt_1', email: 'ana@example.test', name: 'Ana', role: 'agent', locale: null },
  workspace: { id: 'wsp_1', name: 'Acme' },
};

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('apiErrorFromResponse', () => {
  it('reads the contract error body', () => {
    const error = apiErrorFromResponse(
      404,
      JSON.stringify({ error: { code: 'case.not_found', message: 'Case not found', details: { caseId: 'c1' } } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'case.not_found', message: 'Case not found' });
    expect(error.details).toEqual({ caseId: 'c1' });
  });

  it('treats a gateway page as the server being unreachable', () => {
    const error = apiErrorFromResponse(502, '<html>Bad Gateway</html>');
    expect(error.code).toBe(clientErrorCodes.unreachable);
  });

  it('falls back on the status for bodies of another shape', () => {
    expect(apiErrorFromResponse(500, '{"message":"boom"}').code).toBe('http.500');
    expect(apiErrorFromResponse(418, '').code).toBe('http.418');
  });
});

describe('HttpClient', () => {
  it('sends JSON with the session cookie and parses the response with the schema', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(200, session));
    const http = new HttpClient({ fetch });

    const result = await http.json('POST', '/api/auth/sign-in', sessionInfoSchema, {
      body: { email: 'ana@example.test', password: 'secret' },
    });

    expect(result.agent.name).toBe('Ana');
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/api/auth/sign-in');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe(JSON.stringify({ email: 'ana@example.test', password: 'secret' }));
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
  });

  it('says JSON on every change, even without a body, and nothing on reads', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response(null, { status: 204 }));
    const http = new HttpClient({ fetch });
    await http.empty('POST', '/api/triage/models');
    await http.empty('DELETE', '/api/templates/t1');
    await http.empty('GET', '/api/cases');
    const types = fetch.mock.calls.map(([, init]) => new Headers(init?.headers).get('Content-Type'));
    expect(types).toEqual(['application/json', 'application/json', null]);
    expect(fetch.mock.calls.map(([, init]) => init?.body)).toEqual([undefined, undefined, undefined]);
  });

  it('reports a 401 to the app unless the call expects it', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      jsonResponse(401, { error: { code: 'auth.unauthenticated', message: 'Sign in' } }),
    );
    const http = new HttpClient({ fetch, onUnauthorized });

    await expect(http.json('GET', '/api/cases', sessionInfoSchema)).rejects.toMatchObject({
      status: 401,
      code: 'auth.unauthenticated',
    });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);

    await expect(
      http.json('POST', '/api/auth/sign-in', sessionInfoSchema, { allowUnauthorized: true }),
    ).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('turns a failed fetch into an unreachable-server error', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    const http = new HttpClient({ fetch });

    await expect(http.empty('POST', '/api/auth/sign-out')).rejects.toMatchObject({
      status: 0,
      code: clientErrorCodes.unreachable,
    });
  });

  it('lets a caller-initiated abort through unchanged', async () => {
    const controller = new AbortController();
    const abort = new DOMException('Aborted', 'AbortError');
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      controller.abort();
      throw abort;
    });
    const http = new HttpClient({ fetch });

    await expect(http.json('GET', '/api/cases', sessionInfoSchema, { signal: controller.signal })).rejects.toBe(abort);
  });

  it('rejects a success body that breaks the contract', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse(200, { agent: { id: 1 } }));
    const http = new HttpClient({ fetch });

    await expect(http.json('GET', '/api/auth/session', sessionInfoSchema)).rejects.toMatchObject({
      code: clientErrorCodes.invalidResponse,
    });
  });
});
