import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createXSandbox, type XSandbox } from './index.ts';

let sandbox: XSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start() {
  sandbox = createXSandbox({ brandUsername: 'acme_sav' });
  sandbox.createUser({ username: 'acme_sav', name: 'Acme <SAV>' });
  sandbox.createUser({ username: 'zoe', name: 'Zoé' });
  const { url } = await sandbox.listen();
  return { sb: sandbox, url };
}

function pkce() {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(base: string, clientId: string, challenge: string, extra: Record<string, string> = {}) {
  const u = new URL('/i/oauth2/authorize', base);
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'http://127.0.0.1:9/callback',
    scope: 'tweet.read users.read offline.access',
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 's256',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u;
}

/** Submits the consent form as the browser would: every field of the page, plus the chosen button. */
async function submit(url: string, html: string, fields: Record<string, string>) {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(
      m[1]!,
      m[2]!
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'"),
    );
  }
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(new URL('/i/oauth2/authorize', url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: form.toString(),
  });
}

describe('sandbox OAuth 2.0 consent page', () => {
  it('lets a person pick the account that approves; the code then exchanges for tokens with PKCE', async () => {
    const { sb, url } = await start();
    const { verifier, challenge } = pkce();
    const page = await fetch(authorizeUrl(url, sb.appCredentials.clientId, challenge), {
      headers: { 'accept-language': 'fr-FR' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:9");
    const html = await page.text();
    expect(html).toContain('Autoriser l’application');
    expect(html).toContain('@acme_sav — Acme &lt;SAV&gt;');
    expect(html).not.toContain('Acme <SAV>');

    const approved = await submit(url, html, { account: 'zoe', decision: 'authorize' });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:9/callback');
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code')!;

    const { clientId, clientSecret } = sb.appCredentials;
    const token = await fetch(new URL('/2/oauth2/token', url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/callback',
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const tokens = (await token.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(tokens.expires_in).toBe(7200);
    expect(tokens.refresh_token).toBeTruthy();
    const me = await fetch(new URL('/2/users/me', url), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await me.json()) as { data: { username: string } }).data.username).toBe('zoe');
  });

  it('sends access_denied back when the person cancels', async () => {
    const { sb, url } = await start();
    const html = await (await fetch(authorizeUrl(url, sb.appCredentials.clientId, pkce().challenge))).text();
    const cancelled = await submit(url, html, { account: 'zoe', decision: 'cancel' });
    const back = new URL(cancelled.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st4te');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses an unknown client, a bad redirect URI and a form from another site', async () => {
    const { sb, url } = await start();
    const challenge = pkce().challenge;
    expect((await fetch(authorizeUrl(url, 'not-our-app', challenge))).status).toBe(400);
    const badRedirect = authorizeUrl(url, sb.appCredentials.clientId, challenge, { redirect_uri: 'javascript:x' });
    expect((await fetch(badRedirect)).status).toBe(400);
    const html = await (await fetch(authorizeUrl(url, sb.appCredentials.clientId, challenge))).text();
    const forged = await fetch(new URL('/i/oauth2/authorize', url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.test' },
      body: new URLSearchParams({ account: 'zoe', decision: 'authorize', token: 'x' }).toString(),
    });
    expect(forged.status).toBe(403);
    const noAccount = await submit(url, html, { account: 'nobody_here', decision: 'authorize' });
    expect(noAccount.status).toBe(400);
  });
});
