import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPublicAddress, type Lookup } from './url-guard.ts';
import { sendWebhook, signatureHeader } from './webhook-sender.ts';

const resolvesTo =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('webhook address checks', () => {
  it('tells public addresses from loopback, private, shared, link-local, multicast and reserved ones', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700::1111', '2a00:1450:4007:80e::200e']) {
      expect([address, isPublicAddress(address)]).toEqual([address, true]);
    }
    for (const address of [
      '127.0.0.1',
      '127.9.9.9',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '100.127.255.254',
      '169.254.169.254',
      '224.0.0.251',
      '239.255.255.250',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      'not an address',
    ]) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
  });

  it('refuses a name that resolves to a private address, even once among public ones', async () => {
    await expect(
      checkWebhookUrl('https://hooks.example.com/x', { allowPrivate: false }, resolvesTo('93.184.215.14', '10.0.0.5')),
    ).rejects.toMatchObject({ code: 'outgoing_webhook.address_refused' });
    await expect(
      checkWebhookUrl('https://metadata.example.com/x', { allowPrivate: false }, resolvesTo('169.254.169.254')),
    ).rejects.toMatchObject({ code: 'outgoing_webhook.address_refused' });
    const url = await checkWebhookUrl(
      'https://hooks.example.com/x#frag',
      { allowPrivate: false },
      resolvesTo('93.184.215.14'),
    );
    expect(url.toString()).toBe('https://hooks.example.com/x');
    await expect(
      checkWebhookUrl('https://nowhere.example/x', { allowPrivate: false }, () =>
        Promise.reject(new Error('ENOTFOUND')),
      ),
    ).rejects.toMatchObject({ code: 'outgoing_webhook.host_unresolved' });
  });
});

describe('sending a webhook', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: http.RequestListener): Promise<number> {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  const request = (url: string, allowPrivate: boolean, lookup?: Lookup) => ({
    url,
    policy: { allowPrivate },
    secret: 'whsec_test',
    event: 'case.created',
    deliveryId: 'd1',
    body: '{"id":"d1"}',
    timestamp: 1_780_000_000,
    lookup,
  });

  it('checks the address it actually connects to: a name that now resolves to loopback is refused', async () => {
    let hits = 0;
    const port = await listen((_req, res) => {
      hits += 1;
      res.end();
    });
    // Passed the check when saved (a public answer), then the DNS answer changed: the connection is refused.
    const result = await sendWebhook(request(`https://rebind.example.com:${port}/x`, false, resolvesTo('127.0.0.1')));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toContain('127.0.0.1');
    const literal = await sendWebhook(request(`http://127.0.0.1:${port}/x`, false));
    expect(literal).toMatchObject({ ok: false, status: null });
    expect(hits).toBe(0);
  });

  it('posts the signed body, and counts a redirect and a silent receiver as failures', async () => {
    const seen: { signature: string; body: string }[] = [];
    const port = await listen((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ signature: String(req.headers['x-guichet-signature']), body });
        if (req.url === '/moved') {
          res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        } else if (req.url === '/silent') {
          // Never answers: the sender's deadline ends the exchange.
        } else {
          res.end('ok');
        }
      });
    });
    const ok = await sendWebhook(request(`http://localhost:${port}/ok`, true));
    expect(ok).toMatchObject({ ok: true, status: 200, error: null });
    expect(seen[0]).toEqual({
      signature: signatureHeader('whsec_test', '{"id":"d1"}', 1_780_000_000),
      body: '{"id":"d1"}',
    });
    expect(seen[0]!.signature).toMatch(/^t=1780000000,v1=[0-9a-f]{64}$/);
    const moved = await sendWebhook(request(`http://127.0.0.1:${port}/moved`, true));
    expect(moved).toMatchObject({ ok: false, status: 302, error: 'redirects are not followed' });
    const silent = await sendWebhook({ ...request(`http://127.0.0.1:${port}/silent`, true), timeoutMs: 300 });
    expect(silent).toMatchObject({ ok: false, status: null });
    expect(silent.error).toContain('no answer');
  });
});
