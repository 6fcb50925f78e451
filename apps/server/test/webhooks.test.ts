import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/**
 * X's Account Activity webhooks, end to end: the sandbox registers the desk's URL (after the CRC check),
 * the brand subscribes, and signed deliveries of mentions, DMs and follows become desk work and signals.
 */
describe.each(TEST_DIALECTS)('activity webhooks (%s)', (dialect) => {
  let app: TestApp;
  let deskUrl: string;
  let channelId: string;
  beforeEach(async () => {
    app = await createTestApp({ dialect });
    deskUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
    channelId = (await app.deps.db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    // Webhooks are off until an admin turns them on for the channel.
    const enabled = await app.http.inject({
      method: 'PATCH',
      url: `/api/channels/${channelId}`,
      headers: { cookie: await app.signIn() },
      payload: { webhooks: true },
    });
    expect(enabled.json()).toMatchObject({ webhooks: true });
  });
  afterEach(async () => {
    await app.close();
  });

  const sandbox = () => app.deps.sandbox!.instance;

  async function subscribe() {
    const base = app.deps.sandbox!.url;
    const bearer = sandbox().issueAppBearer();
    const registered = await fetch(`${base}/2/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${deskUrl}/webhooks/x/${channelId}` }),
    });
    expect(registered.status).toBe(200); // the sandbox ran the CRC against the desk and it passed
    const webhook = ((await registered.json()) as { data: { id: string } }).data;
    const brandToken = sandbox().ensureUser({ username: 'acme_sav', name: 'Acme' }).token;
    const subscribed = await fetch(`${base}/2/account_activity/webhooks/${webhook.id}/subscriptions/all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brandToken}` },
    });
    expect(subscribed.status).toBe(200);
  }

  it('answers the CRC challenge with the HMAC of the consumer secret', async () => {
    const response = await app.http.inject({ url: `/webhooks/x/${channelId}?crc_token=challenge_string` });
    const secret = sandbox().appCredentials.appSecret;
    expect(response.json()).toEqual({
      response_token: 'sha256=' + createHmac('sha256', secret).update('challenge_string').digest('base64'),
    });
  });

  it('turns signed deliveries into cases, DMs and follower signals', async () => {
    await subscribe();
    const brand = sandbox().findUser('acme_sav')!;
    const { user } = sandbox().ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
    sandbox().post(user.id, { text: '@acme_sav my router is dead' });
    sandbox().sendDm(user.id, brand.id, 'order 4411');
    sandbox().follow(user.id, brand.id);
    await sandbox().webhooksIdle();

    // By kind, not time: the post and the DM are often made in the same millisecond, and a tie in time has no
    // order (PostgreSQL returned the DM first once).
    const messages = await app.deps.db
      .selectFrom('messages')
      .select(['text', 'visibility'])
      .orderBy('visibility', 'desc')
      .execute();
    expect(messages).toEqual([
      { text: '@acme_sav my router is dead', visibility: 'public' },
      { text: 'order 4411', visibility: 'direct' },
    ]);
    expect(await app.deps.db.selectFrom('cases').select('id').execute()).toHaveLength(1);
    const followed = await app.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'contact.followed')
      .execute();
    expect(followed.map((e) => JSON.parse(e.payload).handle)).toEqual(['camille_durand']);
  });

  it('runs the rules on deliveries, in the same transaction as the posts', async () => {
    const cookie = await app.signIn();
    const rule = await app.http.inject({
      method: 'POST',
      url: '/api/rules',
      headers: { cookie },
      payload: {
        name: 'Webhook posts are tagged and urgent',
        event: 'message.received',
        conditions: [{ kind: 'words', value: { any: ['router'] } }],
        actions: [
          { kind: 'tag', value: { name: 'router' } },
          { kind: 'setPriority', value: { priority: 1 } },
        ],
      },
    });
    expect(rule.statusCode).toBe(201);
    await subscribe();
    const { user } = sandbox().ensureUser({ username: 'camille_durand', name: 'Camille Durand' });
    sandbox().post(user.id, { text: '@acme_sav my router is dead' });
    await sandbox().webhooksIdle();
    const stored = await app.deps.db.selectFrom('cases').select(['id', 'priority', 'priority_reason']).execute();
    expect(stored).toEqual([
      { id: expect.any(String), priority: 1, priority_reason: 'rule "Webhook posts are tagged and urgent"' },
    ]);
    const tags = await app.deps.db
      .selectFrom('case_tags')
      .innerJoin('tags', 'tags.id', 'case_tags.tag_id')
      .select('tags.name')
      .execute();
    expect(tags).toEqual([{ name: 'router' }]);
    const ruleEvents = await app.deps.db
      .selectFrom('events')
      .select('type')
      .where('type', 'in', ['case.tagged', 'case.priority_changed'])
      .execute();
    expect(ruleEvents.map((e) => e.type).sort()).toEqual(['case.priority_changed', 'case.tagged']);
  });

  it('refuses forged and unsigned deliveries and stores nothing from them', async () => {
    const body = JSON.stringify({
      for_user_id: sandbox().findUser('acme_sav')!.id,
      tweet_create_events: [
        { id_str: '2090439504425914385', text: '@acme_sav fake', user: { id_str: '42', screen_name: 'forger' } },
      ],
    });
    const forged = await app.http.inject({
      method: 'POST',
      url: `/webhooks/x/${channelId}`,
      headers: {
        'content-type': 'application/json',
        'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', 'wrong secret').update(body).digest('base64'),
      },
      payload: body,
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('webhook.bad_signature');
    const unsigned = await app.http.inject({
      method: 'POST',
      url: `/webhooks/x/${channelId}`,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await app.deps.db.selectFrom('messages').select('id').execute()).toEqual([]);
    const unknown = await app.http.inject({ url: '/webhooks/x/nope?crc_token=challenge_string' });
    expect(unknown.statusCode).toBe(404);
  });
});
