import { afterEach, describe, expect, it } from 'vitest';
// Test-only: the connector never depends on the sandbox at run time.
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { createTwitterApiXClient } from './x-client.ts';
import { createXConnector } from './x-connector.ts';
import { meteredXClient, type XUsage } from './x-usage.ts';

/** Likes and reposts from the case (F16), against the sandbox over HTTP through twitter-api-v2. */
describe('X likes and reposts', () => {
  let sandbox: XSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function setup(plan: 'self-serve' | 'enterprise') {
    sandbox = createXSandbox({ plan });
    const { url } = await sandbox.listen();
    const brand = sandbox.createUser({ username: 'acme_sav', name: 'Acme SAV' });
    const customer = sandbox.createUser({ username: 'happy_hugo', name: 'Hugo' });
    const post = sandbox.post(customer.user.id, { text: '@acme_sav thank you, the repair was perfect!' });
    const usage: XUsage[] = [];
    const client = meteredXClient(
      createTwitterApiXClient({ credentials: { kind: 'oauth2-user', accessToken: brand.token }, apiBaseUrl: url }),
      (u) => usage.push(u),
    );
    return { sandbox, brand, post, usage, connector: createXConnector({ client }) };
  }

  it('reposts once: a second call adopts the same repost', async () => {
    const { sandbox: s, brand, post, connector, usage } = await setup('self-serve');
    const first = await connector.repost!(post.id);
    const second = await connector.repost!(post.id);
    expect(first.externalId).toBeDefined();
    expect(second.externalId).toBe(first.externalId);
    expect(s.listTweets({ authorId: brand.user.id }).filter((t) => t.retweetOfId === post.id)).toHaveLength(1);
    expect(usage.filter((u) => u.operation === 'retweet')).toHaveLength(2);
  });

  it('likes once on a plan that allows it', async () => {
    const { sandbox: s, brand, post, connector } = await setup('enterprise');
    await connector.like!(post.id);
    await connector.like!(post.id);
    // Liking again as the brand finds the like already there.
    expect(s.like(brand.user.id, post.id)).toBe(false);
  });

  it("reports a self-serve plan's 403 on likes as its own reason, not retried", async () => {
    const { post, connector } = await setup('self-serve');
    await expect(connector.like!(post.id)).rejects.toMatchObject({
      kind: 'rejected',
      reason: 'x.like_not_allowed',
      status: 403,
    });
  });
});
