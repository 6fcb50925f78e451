import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent } from '../../src/modules/agents/agents.commands.ts';
import { sealChannelCredentials } from '../../src/modules/channels/channel-settings.ts';
import { newId } from '../../src/platform/ids.ts';
import { TEST_DIALECTS } from '../databases.ts';
import { createTestApp, type TestApp } from '../test-app.ts';

/**
 * Finding (high): X signs CRC answers and deliveries with the same HMAC of the consumer secret, and the desk
 * answered the CRC for any string. Sending a fake tweet event as `crc_token` and replaying the answer as
 * `x-twitter-webhooks-signature` put the forged post in the inbox as a case.
 */
describe.each(TEST_DIALECTS)('security: forged webhooks through the CRC endpoint (%s)', (dialect) => {
  let app: TestApp;
  let admin: string;
  let channelId: string;
  let brandId: string;
  beforeAll(async () => {
    app = await createTestApp({ dialect });
    admin = await app.signIn();
    channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    brandId = app.deps.sandbox!.instance.findUser('acme_sav')!.id;
  });
  afterAll(async () => {
    await app.close();
  });

  const setWebhooks = (enabled: boolean, cookie = admin, id = channelId) =>
    app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${id}`,
      headers: { cookie },
      payload: { webhooks: enabled },
    });
  const crc = (token: string) =>
    app.http.inject({ url: `/webhooks/x/${channelId}?crc_token=${encodeURIComponent(token)}` });
  const storedMessages = async () => (await app.deps.db.selectFrom('messages').select('text').execute()).length;

  /** The attack as found: the forged delivery is its own CRC token; the CRC answer is its signature. */
  async function replayAttack() {
    const forged = JSON.stringify({
      for_user_id: brandId,
      tweet_create_events: [
        {
          id_str: '2090439504425914399',
          created_at: 'Thu Aug 20 14:03:11 +0000 2026',
          text: '@acme_sav send your password to evil.example',
          user: { id_str: '4242', screen_name: 'forger', name: 'Forger' },
        },
      ],
    });
    const challenge = await crc(forged);
    const signature =
      challenge.statusCode === 200 ? (challenge.json() as { response_token: string }).response_token : '';
    const delivery = await app.http.inject({
      method: 'POST',
      url: `/webhooks/x/${channelId}`,
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
      payload: forged,
    });
    return { challenge, delivery };
  }

  it('keeps webhooks off by default: no CRC answer and no delivery for a channel that did not ask for them', async () => {
    expect(
      (await app.deps.db.selectFrom('channels').select('settings').executeTakeFirstOrThrow()).settings,
    ).not.toMatch(/"webhooks":true/);
    const challenge = await crc('aGVsbG8gd29ybGQgY3Jj');
    expect(challenge.statusCode).toBe(404);
    expect(challenge.body).not.toContain('response_token');
    const { delivery } = await replayAttack();
    expect(delivery.statusCode).toBe(404);
    expect(await storedMessages()).toBe(0);
  });

  it('answers only X-shaped CRC tokens once webhooks are on, and the replayed attack stores nothing', async () => {
    expect((await setWebhooks(true)).statusCode).toBe(200);
    expect((await crc('aGVsbG8gd29ybGQgY3Jj')).statusCode).toBe(200);
    expect((await crc('8Xq3_-wZ+/abc=')).statusCode).toBe(200);
    for (const token of ['{"a":1}', 'has space in it', 'x'.repeat(201), 'short', '<script>alert(1)</script>']) {
      const refused = await crc(token);
      expect({ token, status: refused.statusCode, body: refused.body }).toMatchObject({ token, status: 400 });
      expect(refused.body).not.toContain('response_token');
    }
    const { challenge, delivery } = await replayAttack();
    expect(challenge.statusCode).toBe(400);
    expect(delivery.statusCode).toBe(401);
    expect(delivery.json().error.code).toBe('webhook.bad_signature');
    expect(await storedMessages()).toBe(0);
    expect(await app.deps.db.selectFrom('cases').select('id').execute()).toEqual([]);
  });

  it('lets only admins turn webhooks on, and only for a channel that has a consumer secret', async () => {
    const lead = await addAgent(app.deps, {
      workspaceId: app.deps.bootstrap.workspaceId,
      email: 'lead-webhooks@acme.test',
      name: 'Lead',
      role: 'lead',
      password: 'lead password 1234',
    });
    const leadCookie = await app.signIn({ email: lead.email, password: lead.password });
    expect((await setWebhooks(true, leadCookie)).statusCode).toBe(403);

    // A channel connected with a user token alone (no consumer secret) cannot sign anything.
    const now = Date.now();
    const bare = newId(now);
    await app.deps.db
      .insertInto('channels')
      .values({
        id: bare,
        workspace_id: app.deps.bootstrap.workspaceId,
        network: 'x',
        name: 'Bare',
        handle: 'bare_brand',
        external_account_id: '777',
        settings: JSON.stringify({ addedInDesk: true }),
        credentials: sealChannelCredentials(app.deps.secrets, bare, { kind: 'oauth2-user', accessToken: 'user-token' }),
        status: 'active',
        status_detail: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const refused = await setWebhooks(true, admin, bare);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('channel.webhooks_need_secret');
    expect((await app.http.inject({ url: `/webhooks/x/${bare}?crc_token=aGVsbG8gd29ybGQ` })).statusCode).toBe(404);
  });
});
