import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createXSandbox, handleSandboxPage, pageLang, type XSandbox } from './index.ts';

const HOSTILE_NAME = '<script>alert("name")</script>';
const HOSTILE_TEXT = `@acme_support "><img src=x onerror=alert(1)> & <b>bold</b> ' \``;

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** The page in front of a 404, as the sandbox server will mount it. */
async function start(): Promise<{ sb: XSandbox; base: string }> {
  const sb = createXSandbox();
  server = createServer((req, res) => {
    if (handleSandboxPage(req, res, sb, { brandUsername: 'acme_support' })) return;
    res.writeHead(404).end('api');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { sb, base };
}

async function token(base: string): Promise<string> {
  const html = await (await fetch(`${base}/sandbox`)).text();
  return /name="token" value="([^"]+)"/.exec(html)![1]!;
}

function form(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('sandbox page', () => {
  it('escapes every piece of user text and sends a strict content security policy', async () => {
    const { sb, base } = await start();
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support', verified: true });
    const evil = sb.createUser({ username: 'evil', name: HOSTILE_NAME });
    const root = sb.post(evil.user.id, { text: HOSTILE_TEXT });
    sb.post(brand.user.id, { text: 'Bonjour, pouvez-vous préciser ?', inReplyToTweetId: root.id });

    const res = await fetch(`${base}/sandbox?reply=${root.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).toContain("form-action 'self'");
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &#39; &#96;');
    // Only our own script, carrying the nonce.
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` nonce="${nonce}"`]);
    // Thread: the brand's answer is nested under the customer's post, with a reply link.
    expect(html.indexOf(`id="p${root.id}"`)).toBeLessThan(html.indexOf('Bonjour, pouvez-vous'));
    expect(html).toContain(`href="/sandbox?lang=en&amp;reply=${root.id}#compose"`);
    expect(html).toContain(`name="reply_to" inputmode="numeric" value="${root.id}"`);
  });

  it('posts as a chosen customer, in reply, and as a brand-new account', async () => {
    const { sb, base } = await start();
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support' });
    sb.createUser({ username: 'camille_durand', name: 'Camille Durand' });
    const t = await token(base);

    const res = await form(base, '/sandbox/page/post', {
      token: t,
      lang: 'fr',
      as: 'camille_durand',
      text: '@acme_support Ma commande #123456 n’est pas arrivée',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sandbox?lang=fr&as=camille_durand&done=post');
    const opener = sb.listTweets()[0]!;
    expect(opener.entities.mentions[0]?.id).toBe(brand.user.id);

    const answer = sb.post(brand.user.id, { text: 'Pouvez-vous nous écrire en privé ?', inReplyToTweetId: opener.id });
    const reply = await form(base, '/sandbox/page/post', {
      token: t,
      as: 'camille_durand',
      text: 'Très bien, merci',
      reply_to: answer.id,
    });
    expect(reply.status).toBe(303);
    const followUp = sb.listTweets()[0]!;
    expect(followUp.inReplyToTweetId).toBe(answer.id);
    expect(followUp.text).toBe('@acme_support Très bien, merci');

    const fresh = await form(base, '/sandbox/page/post', {
      token: t,
      new_username: 'nouveau_client',
      new_name: 'Nouveau Client',
      text: '@acme_support hello there',
    });
    expect(fresh.status).toBe(303);
    expect(sb.findUser('nouveau_client')?.name).toBe('Nouveau Client');

    const done = await (await fetch(`${base}${fresh.headers.get('location')!}`)).text();
    expect(done).toContain('role="status"');
    expect(done).toContain('<option value="nouveau_client" selected>');
  });

  it('shows the sandbox refusal, keeps what was typed, and escapes it', async () => {
    const { sb, base } = await start();
    sb.createUser({ username: 'camille_durand', name: 'Camille Durand' });
    const t = await token(base);
    const res = await form(base, '/sandbox/page/post', {
      token: t,
      as: 'camille_durand',
      text: '<i>hi</i>',
      reply_to: '999',
    });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('deleted or not visible');
    expect(html).toContain('&lt;i&gt;hi&lt;/i&gt;</textarea>');
    const missing = await form(base, '/sandbox/page/post', { token: t, text: 'x' });
    expect(missing.status).toBe(400);
    const unknown = await form(base, '/sandbox/page/post', { token: t, as: 'nobody', text: 'x' });
    expect(unknown.status).toBe(400);
    expect(sb.listTweets()).toHaveLength(0);
  });

  it('refuses posts without the form token or from another site', async () => {
    const { sb, base } = await start();
    sb.createUser({ username: 'camille_durand', name: 'Camille Durand' });
    const t = await token(base);
    const fields = { as: 'camille_durand', text: 'hello @acme_support' };
    expect((await form(base, '/sandbox/page/post', fields)).status).toBe(403);
    expect((await form(base, '/sandbox/page/post', { ...fields, token: 'x'.repeat(t.length) })).status).toBe(403);
    const cross = await form(base, '/sandbox/page/post', { ...fields, token: t }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const json = await fetch(`${base}/sandbox/page/post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fields, token: t }),
    });
    expect(json.status).toBe(403);
    expect(sb.listTweets()).toHaveLength(0);
    const same = await form(base, '/sandbox/page/post', { ...fields, token: t }, { origin: base });
    expect(same.status).toBe(303);
  });

  it('sends a DM to the brand and shows it', async () => {
    const { sb, base } = await start();
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme Support' });
    const camille = sb.createUser({ username: 'camille_durand', name: 'Camille Durand' });
    const t = await token(base);
    const res = await form(base, '/sandbox/page/dm', {
      token: t,
      from: 'camille_durand',
      to: 'acme_support',
      dm_text: 'Commande <#123456>',
    });
    expect(res.status).toBe(303);
    const [dm] = sb.listDmEvents();
    expect(dm).toMatchObject({ senderId: camille.user.id, recipientId: brand.user.id, text: 'Commande <#123456>' });
    const html = await (await fetch(`${base}/sandbox?fragment=live`)).text();
    expect(html).toContain('Commande &lt;#123456&gt;');
  });

  it('speaks French or English: ?lang first, then Accept-Language', async () => {
    const { base } = await start();
    const fr = await (await fetch(`${base}/sandbox`, { headers: { 'accept-language': 'fr-CH, en;q=0.8' } })).text();
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('Fil public');
    const en = await (await fetch(`${base}/sandbox?lang=en`, { headers: { 'accept-language': 'fr' } })).text();
    expect(en).toContain('Public timeline');
    expect(pageLang(null, 'de-DE, en;q=0.5, fr;q=0.9')).toBe('fr');
    expect(pageLang(null, 'fr;q=0, en')).toBe('en');
    expect(pageLang(null, undefined)).toBe('en');
    expect(pageLang('xx', 'fr')).toBe('fr');
  });

  it('leaves other paths to the caller and answers 404/405 under its own', async () => {
    const { base } = await start();
    expect(await (await fetch(`${base}/2/users/me`)).text()).toBe('api');
    expect(await (await fetch(`${base}/sandbox/admin/users`)).text()).toBe('api');
    expect((await fetch(`${base}/sandbox/page/nope`)).status).toBe(404);
    expect((await fetch(`${base}/sandbox`, { method: 'POST' })).status).toBe(405);
  });
});
