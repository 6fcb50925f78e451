import http from 'node:http';
import { ETwitterStreamEvent, TwitterApi } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { createXSandbox } from './index.ts';

describe('filtered stream: operational disconnect (contract §6.3)', () => {
  it('sends the in-stream operational-disconnect error before closing the connection', async () => {
    const sandbox = createXSandbox({ adminKey: 'stream-disconnect-admin-key' });
    const { url } = await sandbox.listen();
    try {
      const redirect = {
        onBeforeRequestConfig({ params }: { params: { url: string } }) {
          params.url = params.url.replace('https://api.x.com', url);
        },
        onBeforeStreamRequestConfig({ params }: { params: { url: string } }) {
          params.url = params.url.replace('https://api.x.com', url);
        },
      };
      const app = new TwitterApi(sandbox.issueAppBearer(), { httpAgent: new http.Agent(), plugins: [redirect] });
      await app.v2.updateStreamRules({ add: [{ value: '@acme_sav' }] });
      const stream = await app.v2.searchStream({ autoConnect: true });
      stream.autoReconnect = false;
      const errors: unknown[] = [];
      stream.on(ETwitterStreamEvent.DataError, (payload) => errors.push(payload));
      const disconnected = await fetch(`${url}/sandbox/admin/stream/disconnect`, {
        method: 'POST',
        headers: { 'x-sandbox-admin-key': 'stream-disconnect-admin-key', 'content-type': 'application/json' },
        body: JSON.stringify({ operational: true }),
      });
      expect(disconnected.ok).toBe(true);
      await expect.poll(() => errors.length, { timeout: 3000 }).toBe(1);
      expect(errors[0]).toMatchObject({
        errors: [
          {
            title: 'operational-disconnect',
            disconnect_type: 'UpstreamOperationalDisconnect',
            type: 'https://api.twitter.com/2/problems/operational-disconnect',
          },
        ],
      });
      stream.close();
    } finally {
      await sandbox.close();
    }
  });
});
