import type { XClient, XDmPage, XPage } from './x-client.ts';

/** What X bills, by category (contract §11.3, pay-per-use). */
export type XBillingCategory =
  | 'post_read'
  | 'user_read'
  | 'dm_event_read'
  | 'owned_read'
  | 'post_create'
  | 'post_with_url_create'
  | 'summoned_reply_create'
  | 'dm_create'
  | 'interaction_create'
  // X Activity API: billed per delivered event (contract §11.3).
  | 'xaa_dm_event'
  | 'xaa_post_event'
  | 'xaa_like_event'
  | 'xaa_follow_event';

/** US dollars per unit: per resource returned for reads, per request for writes. */
export const X_PAY_PER_USE_PRICES: Record<XBillingCategory, number> = {
  post_read: 0.005,
  user_read: 0.01,
  dm_event_read: 0.01,
  owned_read: 0.001,
  post_create: 0.015,
  post_with_url_create: 0.2,
  summoned_reply_create: 0.01,
  dm_create: 0.015,
  interaction_create: 0.015,
  // dm.* and post.* events are priced by the contract; likes and follows (its "…") at the price of reading
  // the same resource (a like, a follower), until X's price list says otherwise.
  xaa_dm_event: 0.01,
  xaa_post_event: 0.005,
  xaa_like_event: 0.001,
  xaa_follow_event: 0.01,
};

export interface XUsage {
  /** The XClient method, e.g. `mentions`. */
  operation: string;
  category: XBillingCategory;
  units: number;
}

const URL_PATTERN = /https?:\/\/\S/i;

function pageReads(page: XPage, owned: boolean): [XBillingCategory, number][] {
  // The account's own mentions and timeline are "owned reads"; objects expanded into them (authors, quoted
  // posts) are ordinary user and post reads.
  return [
    [owned ? 'owned_read' : 'post_read', page.data.length],
    ['post_read', page.includes.tweets.length],
    ['user_read', page.includes.users.length],
  ];
}

function dmReads(page: XDmPage): [XBillingCategory, number][] {
  return [
    ['dm_event_read', page.data.length],
    ['user_read', page.includes.users.length],
  ];
}

/**
 * Wraps an XClient so every call reports what it will cost, for the desk's spend meter. X also
 * de-duplicates reads of one resource within a UTC day; the meter counts each read, so it errs high.
 */
export function meteredXClient(inner: XClient, onUsage: (usage: XUsage) => void): XClient {
  let selfId: string | undefined;
  const report = (operation: string, entries: [XBillingCategory, number][]) => {
    for (const [category, units] of entries) if (units > 0) onUsage({ operation, category, units });
  };
  return {
    async me() {
      const me = await inner.me();
      selfId = me.id;
      report('me', [['user_read', 1]]);
      return me;
    },
    async meProfile() {
      const profile = await inner.meProfile();
      selfId = profile.user.id;
      report('meProfile', [
        ['user_read', 1],
        ['owned_read', profile.pinnedTweet ? 1 : 0],
      ]);
      return profile;
    },
    async mentions(userId, options) {
      const page = await inner.mentions(userId, options);
      report('mentions', pageReads(page, userId === selfId));
      return page;
    },
    async userTweets(userId, options) {
      const page = await inner.userTweets(userId, options);
      report('userTweets', pageReads(page, userId === selfId));
      return page;
    },
    async search(query, options) {
      const page = await inner.search(query, options);
      report('search', pageReads(page, false));
      return page;
    },
    async tweets(ids) {
      const page = await inner.tweets(ids);
      report('tweets', pageReads(page, false));
      return page;
    },
    async reply(text, inReplyToTweetId, mediaIds) {
      const result = await inner.reply(text, inReplyToTweetId, mediaIds);
      report('reply', [[URL_PATTERN.test(text) ? 'post_with_url_create' : 'summoned_reply_create', 1]]);
      return result;
    },
    async post(text) {
      const result = await inner.post(text);
      report('post', [[URL_PATTERN.test(text) ? 'post_with_url_create' : 'post_create', 1]]);
      return result;
    },
    async like(userId, tweetId) {
      const result = await inner.like(userId, tweetId);
      report('like', [['interaction_create', 1]]);
      return result;
    },
    async retweet(userId, tweetId) {
      const result = await inner.retweet(userId, tweetId);
      report('retweet', [['interaction_create', 1]]);
      return result;
    },
    async dmEvents(options) {
      const page = await inner.dmEvents(options);
      report('dmEvents', dmReads(page));
      return page;
    },
    async dmEventsWith(participantId, options) {
      const page = await inner.dmEventsWith(participantId, options);
      report('dmEventsWith', dmReads(page));
      return page;
    },
    async sendDm(participantId, text, mediaIds) {
      const result = await inner.sendDm(participantId, text, mediaIds);
      report('sendDm', [['dm_create', 1]]);
      return result;
    },
    // Uploads and DM media reads: no price in X's pay-per-use list (contract §11.3).
    ...(inner.uploadMedia ? { uploadMedia: inner.uploadMedia.bind(inner) } : {}),
    ...(inner.downloadPrivateMedia ? { downloadPrivateMedia: inner.downloadPrivateMedia.bind(inner) } : {}),
    openStream(rule, events) {
      return inner.openStream(rule, {
        ...events,
        onTweet: (page) => {
          report('stream', pageReads(page, false));
          events.onTweet(page);
        },
      });
    },
  };
}
