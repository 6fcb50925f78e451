import { afterEach, describe, expect, it } from 'vitest';
import type { XSandbox } from './sandbox.ts';
import { apiError, client, json, sandboxCleanup, startSandbox } from './testkit.ts';

const open: XSandbox[] = [];
afterEach(sandboxCleanup(open));
async function start(...args: Parameters<typeof startSandbox>) {
  const s = await startSandbox(...args);
  open.push(s.sb);
  return s;
}

describe('pay-per-use costs', () => {
  it('bills reads per resource de-duplicated per UTC day, owned reads and writes per request', async () => {
    const { sb, url, brand, camille, bob } = await start({ adminKey: 'k' });
    const m1 = sb.post(camille.user.id, { text: '@acme_support bonjour' });
    sb.post(bob.user.id, { text: '@acme_support hello there' });
    const api = client(url, brand.token);
    // Owned read: the brand reading its own mentions ($0.001 each), twice → de-duplicated.
    await api.v2.userMentionTimeline(brand.user.id);
    await api.v2.userMentionTimeline(brand.user.id);
    // Post reads by an app ($0.005 each) with an expanded author ($0.010).
    const app = client(url, sb.issueAppBearer());
    await app.v2.singleTweet(m1.id, { expansions: ['author_id'] });
    // Writes: a summoned reply ($0.010), a post with a URL ($0.200), a DM ($0.015), a delete ($0.010).
    await api.v2.reply('On regarde ça.', m1.id);
    const withUrl = await api.v2.tweet('Suivi : https://acme.example.com/suivi');
    await api.v2.sendDmToParticipant(camille.user.id, { text: 'Bonjour' });
    await api.v2.deleteTweet(withUrl.data.id);
    // Refused requests cost nothing.
    await apiError(api.v2.reply('Non sollicité', sb.post(bob.user.id, { text: 'Acme is meh' }).id));

    const report = sb.costs();
    const app1 = report.apps[sb.appCredentials.appKey]!;
    const day = app1.days['2026-08-20']!;
    expect(day.items).toEqual({
      owned_read: { count: 2, usd: 0.002 },
      post_read: { count: 1, usd: 0.005 },
      user_read: { count: 1, usd: 0.01 },
      summoned_reply_create: { count: 1, usd: 0.01 },
      post_with_url_create: { count: 1, usd: 0.2 },
      dm_create: { count: 1, usd: 0.015 },
      delete: { count: 1, usd: 0.01 },
    });
    expect(report.totalUsd).toBe(0.252);
    const viaHttp = await json(await fetch(`${url}/sandbox/admin/costs`, { headers: { 'x-sandbox-admin-key': 'k' } }));
    expect(viaHttp.data).toEqual(report);
    await fetch(`${url}/sandbox/admin/costs/reset`, { method: 'POST', headers: { 'x-sandbox-admin-key': 'k' } });
    expect(sb.costs()).toEqual({ totalUsd: 0, apps: {} });
    // After a reset the same resources bill again.
    await api.v2.userMentionTimeline(brand.user.id);
    expect(sb.costs().totalUsd).toBe(0.002);
    sb.resetCosts();
    expect(sb.costs().totalUsd).toBe(0);
  });
});

describe('fault switches', () => {
  it('answers a 429 burst with exhausted rate-limit headers, only on the chosen endpoint', async () => {
    const { sb, url, brand } = await start();
    const api = client(url, brand.token);
    sb.setFaults({ rateLimitBurst: { count: 2, endpoint: 'GET /2/users/me' } });
    await expect(api.v2.user(brand.user.id)).resolves.toBeTruthy();
    for (let i = 0; i < 2; i++) {
      const err = await apiError(api.v2.me());
      expect(err.code).toBe(429);
      expect(err.rateLimit?.remaining).toBe(0);
      expect(err.data).toEqual({
        title: 'Too Many Requests',
        detail: 'Too Many Requests',
        type: 'about:blank',
        status: 429,
      });
    }
    await expect(api.v2.me()).resolves.toBeTruthy();
  });

  it('fails with 5xx before applying a write, and with ackLost applies it then answers 503', async () => {
    const { sb, url, brand, camille } = await start({ adminKey: 'k' });
    const api = client(url, brand.token);
    sb.setFaults({ serverError: { count: 1, status: 502 } });
    const e502 = await apiError(api.v2.tweet('Bonjour à tous'));
    expect(e502.code).toBe(502);
    expect(sb.listTweets({ authorId: brand.user.id })).toHaveLength(0);

    const mention = sb.post(camille.user.id, { text: '@acme_support mon colis ?' });
    await fetch(`${url}/sandbox/admin/faults`, {
      method: 'POST',
      headers: { 'x-sandbox-admin-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ ackLost: { count: 1, endpoint: 'POST /2/tweets' } }),
    });
    const lost = await apiError(api.v2.reply('Nous regardons.', mention.id));
    expect(lost.code).toBe(503);
    // The reply exists although the desk never saw a 201; a blind retry is refused as a duplicate.
    const stored = sb.listTweets({ authorId: brand.user.id });
    expect(stored.map((t) => t.text)).toEqual(['@camille_durand Nous regardons.']);
    const retry = await apiError(api.v2.reply('Nous regardons.', mention.id));
    expect(retry.code).toBe(403);
    expect(retry.data.detail).toMatch(/duplicate/);
    // Reads are never "ack-lost".
    sb.setFaults({ ackLost: { count: 1 } });
    await expect(api.v2.me()).resolves.toBeTruthy();
    sb.clearFaults();

    sb.setFaults({ serverError: { rate: 1, status: 500 } });
    expect((await apiError(api.v2.me())).code).toBe(500);
    expect((await apiError(api.v2.me())).code).toBe(500);
    sb.setFaults({ serverError: undefined });
    await expect(api.v2.me()).resolves.toBeTruthy();
  });

  it('sends malformed payloads and adds latency', async () => {
    const { sb, url, brand } = await start();
    const headers = { authorization: `Bearer ${brand.token}` };
    sb.setFaults({ malformed: { count: 1, kind: 'truncated-json' } });
    const cut = await fetch(`${url}/2/users/me`, { headers });
    expect(cut.status).toBe(200);
    await expect(cut.json()).rejects.toThrow();
    sb.setFaults({ malformed: { count: 1, kind: 'wrong-content-type' } });
    const html = await fetch(`${url}/2/users/me`, { headers });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // twitter-api-v2 then hands back the raw text instead of parsed JSON.
    sb.setFaults({ malformed: { count: 1, kind: 'wrong-content-type' } });
    const raw: unknown = await client(url, brand.token).v2.me();
    expect(typeof raw).toBe('string');

    sb.setFaults({ latency: { ms: 120, endpoint: '/2/users/me' } });
    const t0 = Date.now();
    await client(url, brand.token).v2.me();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    sb.clearFaults();
    const t1 = Date.now();
    await client(url, brand.token).v2.me();
    expect(Date.now() - t1).toBeLessThan(100);
  });
});
