import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector, type InboundItem } from '../connector.ts';

/** What a network's test double (sandbox, fake server) must offer so the shared suite can drive it. */
export interface ConformanceHarness {
  connector: Connector;
  /** The account the connector is connected as. */
  account: { externalId: string; handle: string };
  /** A customer publicly mentions the account; returns the new post's id. */
  customerMentions(text: string): Promise<{ externalId: string }>;
  /** The customer answers a post (e.g. the connector's reply), addressing the account. */
  customerReplies(text: string, inReplyToExternalId: string): Promise<{ externalId: string }>;
  /** Reads a post back from the network, as the network stored it. */
  readPost(
    externalId: string,
  ): Promise<{ authorExternalId: string; text: string; inReplyToExternalId?: string | undefined } | null>;
  /** Spends the account's request budget so that the connector's next fetchMentions is rate limited. */
  exhaustRateLimit(): Promise<void>;
  /** A post the network will refuse to let the account answer (X self-serve: a post that never mentions it). */
  unanswerablePost(): Promise<{ externalId: string }>;
  teardown(): Promise<void>;
}

async function expectConnectorError(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

function ids(items: InboundItem[]): string[] {
  return items.map((i) => i.externalId);
}

/**
 * The behaviour every connector must show, whatever the network. Run it from the connector's own test
 * file with a setup that builds a fresh harness per test.
 */
export function describeConnectorConformance(name: string, setup: () => Promise<ConformanceHarness>): void {
  describe(`${name} connector conformance`, () => {
    let h: ConformanceHarness;
    const since = () => new Date(Date.now() - 60 * 60 * 1000);

    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h.teardown();
    });

    it('whoAmI reports the connected account', async () => {
      const me = await h.connector.whoAmI();
      expect(me.externalId).toBe(h.account.externalId);
      expect(me.handle).toBe(h.account.handle);
      expect(me.name).toEqual(expect.any(String));
    });

    it('returns mentions oldest first, and the cursor yields only newer ones next time', async () => {
      const a = await h.customerMentions(`@${h.account.handle} first question`);
      const b = await h.customerMentions(`@${h.account.handle} second question`);
      const c = await h.customerMentions(`@${h.account.handle} third question`);
      const first = await h.connector.fetchMentions({ cursor: null, backfillSince: since() });
      expect(ids(first.items)).toEqual([a.externalId, b.externalId, c.externalId]);
      for (const item of first.items) {
        expect(item.kind).toBe('mention');
        expect(item.visibility).toBe('public');
        expect(item.author.externalId).not.toBe(h.account.externalId);
        expect(item.author.handle).toEqual(expect.any(String));
        expect(item.createdAt).toBeInstanceOf(Date);
        expect(item.conversationExternalId).toBe(item.externalId);
      }
      const times = first.items.map((i) => i.createdAt.getTime());
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect(first.nextCursor).toEqual(expect.any(String));

      const d = await h.customerMentions(`@${h.account.handle} fourth question`);
      const e = await h.customerMentions(`@${h.account.handle} fifth question`);
      const second = await h.connector.fetchMentions({ cursor: first.nextCursor });
      expect(ids(second.items)).toEqual([d.externalId, e.externalId]);

      const third = await h.connector.fetchMentions({ cursor: second.nextCursor ?? first.nextCursor });
      expect(third.items).toEqual([]);
    });

    it('publishes a reply that the network records as an answer to the right post', async () => {
      const mention = await h.customerMentions(`@${h.account.handle} where is my parcel?`);
      const published = await h.connector.publishReply({
        text: 'We are on it, sorry for the wait.',
        inReplyToExternalId: mention.externalId,
      });
      expect(published.externalId).toEqual(expect.any(String));
      expect(published.createdAt).toBeInstanceOf(Date);
      const stored = await h.readPost(published.externalId);
      expect(stored).not.toBeNull();
      expect(stored!.authorExternalId).toBe(h.account.externalId);
      expect(stored!.inReplyToExternalId).toBe(mention.externalId);
      expect(stored!.text).toContain('We are on it, sorry for the wait.');

      // The customer's answer to it comes back as a reply in the same conversation.
      const first = await h.connector.fetchMentions({ cursor: null, backfillSince: since() });
      const answer = await h.customerReplies('Thanks, still waiting though.', published.externalId);
      const next = await h.connector.fetchMentions({ cursor: first.nextCursor });
      const item = next.items.find((i) => i.externalId === answer.externalId);
      expect(item).toMatchObject({
        kind: 'reply',
        inReplyToExternalId: published.externalId,
        conversationExternalId: mention.externalId,
      });
    });

    it('findPublishedReply finds an earlier reply and returns null for other text or another post', async () => {
      const start = new Date(Date.now() - 5 * 60 * 1000);
      const mention = await h.customerMentions(`@${h.account.handle} refund please`);
      const other = await h.customerMentions(`@${h.account.handle} another topic`);
      const text = 'Your refund was issued today.';
      const published = await h.connector.publishReply({ text, inReplyToExternalId: mention.externalId });
      const found = await h.connector.findPublishedReply({
        text,
        inReplyToExternalId: mention.externalId,
        since: start,
      });
      expect(found?.externalId).toBe(published.externalId);
      expect(
        await h.connector.findPublishedReply({
          text: 'Something else entirely.',
          inReplyToExternalId: mention.externalId,
          since: start,
        }),
      ).toBeNull();
      expect(
        await h.connector.findPublishedReply({ text, inReplyToExternalId: other.externalId, since: start }),
      ).toBeNull();
    });

    it('reports a rate limit as rate_limited with a retry time', async () => {
      await h.connector.whoAmI();
      await h.exhaustRateLimit();
      const err = await expectConnectorError(h.connector.fetchMentions({ cursor: null }));
      expect(err.kind).toBe('rate_limited');
      expect(err.retryable).toBe(true);
      expect(err.retryAt).toBeInstanceOf(Date);
      expect(err.retryAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    });

    it('reports a refused reply as rejected, not retryable', async () => {
      const post = await h.unanswerablePost();
      const err = await expectConnectorError(
        h.connector.publishReply({ text: 'Can we help?', inReplyToExternalId: post.externalId }),
      );
      expect(err.kind).toBe('rejected');
      expect(err.retryable).toBe(false);
      expect(err.reason).toEqual(expect.any(String));
    });
  });
}
