import { createServer, type Server } from 'node:http';
import { handleConsentPage } from './consent.ts';
import { handleSandboxPage } from './page.ts';
import type { AddressInfo } from 'node:net';
import { CostLedger, type CostReport } from './costs.ts';
import {
  emptyState,
  SandboxEngine,
  type CreateUserInput,
  type ProfileUpdate,
  type SandboxAccount,
  type SandboxDmEvent,
  type SandboxEvent,
  type SandboxPlan,
  type SandboxTweet,
  type SandboxUser,
  type SandboxWebhook,
  type StreamRule,
} from './engine.ts';
import { FaultSwitches, type SandboxFaults } from './faults.ts';
import { DebouncedSaver, loadState } from './persistence.ts';
import { RateLimiter } from './rate-limit.ts';
import { authorizeOAuth2, type AuthorizeInput } from './routes-admin.ts';
import type { MediaInput } from './media.ts';
import { handleMediaRequest } from './routes-media.ts';
import { createRequestHandler } from './server.ts';
import { ActivityHub, activityCostKind } from './activity.ts';
import { StreamHub } from './stream.ts';
import { WebhookDispatcher, type WebhookDelivery } from './webhooks.ts';

/** A direct-message event as the facade returns it. */
export type DmEvent = SandboxDmEvent;

export interface XSandboxOptions {
  clock?: () => Date;
  /** JSON file to load at creation and save to (debounced, atomic) after every change. */
  stateFile?: string;
  plan?: SandboxPlan;
  /** Per-endpoint limit overrides, e.g. `{ 'GET /2/users/:id/mentions': 3 }` or `{ 'POST /2/tweets:user': 1 }`. */
  rateLimits?: Partial<Record<string, number>>;
  /** Enables the HTTP admin API under /sandbox/admin (header `x-sandbox-admin-key`). */
  adminKey?: string;
  /** Debounce delay for state saves; default 200 ms. */
  saveDelayMs?: number;
  /** Filtered-stream keep-alive interval; default 20 000 ms (contract §6.3). */
  streamKeepAliveMs?: number;
  /** What a second filtered-stream connection gets: 429 TooManyConnections (default) or it replaces the first. */
  streamSecondConnection?: 'reject' | 'replace';
  /** Waits between webhook delivery attempts; default [2000, 10000, 30000] (so 4 attempts). */
  webhookRetryDelaysMs?: number[];
  /** Per-attempt timeout for CRC checks and deliveries; default 5000 ms. */
  webhookTimeoutMs?: number;
  /** Enforce X's https-without-port rule on webhook URLs; default false so local receivers work. */
  strictWebhookUrls?: boolean;
  /** Random source for rate-based faults; default Math.random. */
  random?: () => number;
  /** The brand account the demo page's DMs go to by default; without it, the most-mentioned account. */
  brandUsername?: string;
}

export interface XSandbox {
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Base URL once listening. */
  readonly url: string | undefined;
  readonly plan: SandboxPlan;
  /**
   * The sandbox app's OAuth 1.0a consumer keys (also included in every account's `oauth1`) and OAuth 2.0
   * client credentials (for /2/oauth2/token and TwitterApi({ clientId, clientSecret })).
   */
  readonly appCredentials: { appKey: string; appSecret: string; clientId: string; clientSecret: string };
  createUser(input: CreateUserInput): SandboxAccount;
  /** Returns the existing account (same credentials as first issued) or creates it. */
  ensureUser(input: CreateUserInput): SandboxAccount & { created: boolean };
  /** Issues an extra OAuth 2.0 token and OAuth 1.0a pair for an existing user. */
  issueUserCredentials(userId: string): SandboxAccount;
  findUser(idOrUsername: string): SandboxUser | undefined;
  /** Edits a profile as its owner would on X (bio, website, picture, pinned post; null clears). */
  updateProfile(userId: string, update: ProfileUpdate): SandboxUser;
  listUsers(): SandboxUser[];
  issueAppBearer(): string;
  /**
   * Posts as a person on X (not through an app): content rules apply, the self-serve API policy does not.
   * `media`: up to four photos, or one GIF or video, drawn by the sandbox.
   */
  post(
    asUserId: string,
    input: { text: string; inReplyToTweetId?: string; quoteTweetId?: string; media?: MediaInput[] },
  ): SandboxTweet;
  deleteTweet(asUserId: string, tweetId: string): boolean;
  getTweet(id: string): SandboxTweet | undefined;
  /** Live posts, newest first. */
  listTweets(filter?: { authorId?: string; inReplyToTweetId?: string }): SandboxTweet[];
  /** Sends a one-to-one DM as a person; refused (403) when the recipient does not accept DMs from the sender. */
  sendDm(fromUserId: string, toUserId: string, text: string, media?: MediaInput[]): DmEvent;
  /** DM events, newest first; `userId` keeps those the user sent or received. */
  listDmEvents(filter?: { userId?: string; conversationId?: string }): DmEvent[];
  /** Returns false when already following. */
  follow(followerId: string, targetId: string): boolean;
  unfollow(followerId: string, targetId: string): boolean;
  /** Likes as a person (the self-serve API refusal does not apply); false when already liked. */
  like(userId: string, tweetId: string): boolean;
  /** Reposts as a person: returns the repost ("RT @author: …"), the existing one when reposted already. */
  repost(userId: string, tweetId: string): SandboxTweet;
  listRules(): StreamRule[];
  listWebhooks(): SandboxWebhook[];
  /** Issues an OAuth 2.0 authorization code as if the user had approved the app (the browser step). */
  authorizeOAuth2(input: AuthorizeInput): { code: string; state?: string; redirect: string };
  /** Pay-per-use costs so far, per app and UTC day (contract §11.3). */
  costs(): CostReport;
  resetCosts(): void;
  /** Turns fault switches on (merging with those already set); see SandboxFaults. */
  setFaults(faults: SandboxFaults): void;
  clearFaults(): void;
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when every queued webhook delivery has succeeded or used up its retries. */
  webhooksIdle(): Promise<void>;
  /** Drops every open X Activity API stream, as an operational disconnect would (clients reconnect). */
  disconnectActivityStreams(): void;
  /** Observes posts, DMs, follows and likes as they are stored. Returns an unsubscribe function. */
  onEvent(listener: (event: SandboxEvent) => void): () => void;
  reset(): void;
  /** Writes pending state now (no-op without stateFile). */
  flush(): void;
}

export function createXSandbox(options: XSandboxOptions = {}): XSandbox {
  const clock = options.clock ?? (() => new Date());
  const plan = options.plan ?? 'self-serve';
  const state = options.stateFile ? loadState(options.stateFile) : emptyState();
  let saver: DebouncedSaver | undefined;
  const engine = new SandboxEngine(state, clock, plan, () => saver?.schedule());
  if (options.stateFile) {
    saver = new DebouncedSaver(options.stateFile, () => engine.snapshot(), options.saveDelayMs ?? 200);
    // Persist fresh app keys at once so clients configured from them survive an early crash.
    saver.flush();
  }
  const limiter = new RateLimiter(clock, options.rateLimits);
  const costs = new CostLedger(clock);
  const faults = new FaultSwitches(options.random);
  const stream = new StreamHub(
    engine,
    {
      keepAliveMs: options.streamKeepAliveMs ?? 20_000,
      secondConnection: options.streamSecondConnection ?? 'reject',
    },
    faults,
    // Filtered-stream posts are post reads for billing.
    (ids) => costs.charge(engine.app.consumerKey, [{ kind: 'post_read', ids }]),
  );
  // Pay-per-use: 1 webhook, 3 unique subscriptions (contract §13).
  const selfServe = plan === 'self-serve';
  const webhooks = new WebhookDispatcher(
    engine,
    {
      retryDelaysMs: options.webhookRetryDelaysMs ?? [2000, 10_000, 30_000],
      timeoutMs: options.webhookTimeoutMs ?? 5000,
      strictUrls: options.strictWebhookUrls ?? false,
    },
    selfServe ? 1 : 10,
  );
  // X Activity API deliveries: billed per delivered event (contract §11.3).
  const activity = new ActivityHub(engine, webhooks, options.streamKeepAliveMs ?? 20_000, (type, uuid) =>
    costs.charge(engine.app.consumerKey, [{ kind: activityCostKind(type), ids: [uuid] }]),
  );
  const handler = createRequestHandler({
    engine,
    limiter,
    adminKey: options.adminKey,
    costs,
    faults,
    stream,
    webhooks,
    activity,
    maxSubscriptions: selfServe ? 3 : 5000,
  });
  let server: Server | undefined;
  let url: string | undefined;
  const clone = <T>(value: T): T => structuredClone(value);

  const facade: XSandbox = {
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('X sandbox is already listening');
      // The consent screen (/i/oauth2/authorize) and the demo page (/sandbox) answer first; everything else is the X API and the admin API.
      const pageOptions = options.brandUsername ? { brandUsername: options.brandUsername } : {};
      const s = createServer((req, res) => {
        if (handleConsentPage(req, res, facade, pageOptions)) return;
        if (handleSandboxPage(req, res, facade, pageOptions)) return;
        if (handleMediaRequest(req, res, engine)) return;
        handler(req, res);
      });
      // A request cut mid-body must never take the process down.
      s.on('clientError', (_err, socket) => socket.destroy());
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve());
      });
      server = s;
      const addr = s.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      url = `http://${shownHost}:${addr.port}`;
      engine.mediaBaseUrl = url;
      return { url };
    },
    async close() {
      const s = server;
      server = undefined;
      url = undefined;
      if (saver?.pending) saver.flush();
      stream.close();
      activity.close();
      webhooks.close();
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    get url() {
      return url;
    },
    plan,
    get appCredentials() {
      const app = engine.app;
      return {
        appKey: app.consumerKey,
        appSecret: app.consumerSecret,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      };
    },
    createUser: (input) => engine.createUser(input),
    ensureUser: (input) => engine.ensureUser(input),
    updateProfile: (userId, update) => engine.updateProfile(userId, update),
    issueUserCredentials: (userId) => engine.issueUserCredentials(userId),
    findUser(idOrUsername) {
      const u = /^[0-9]+$/.test(idOrUsername) ? engine.findUserById(idOrUsername) : undefined;
      const found = u ?? engine.findUserByUsername(idOrUsername.replace(/^@/, ''));
      return found ? clone(found) : undefined;
    },
    listUsers: () => engine.listUsers(),
    issueAppBearer: () => engine.issueAppBearer(),
    post: (asUserId, input) => clone(engine.createTweet(asUserId, input, 'person')),
    deleteTweet: (asUserId, tweetId) => engine.deleteTweet(asUserId, tweetId),
    getTweet(id) {
      const t = engine.getTweet(id);
      return t ? clone(t) : undefined;
    },
    listTweets: (filter = {}) => clone(engine.listTweets(filter)),
    sendDm: (fromUserId, toUserId, text, media) => clone(engine.sendDm(fromUserId, toUserId, text, media)),
    listDmEvents: (filter = {}) => clone(engine.listDmEvents(filter)),
    follow: (followerId, targetId) => engine.follow(followerId, targetId),
    unfollow: (followerId, targetId) => engine.unfollow(followerId, targetId),
    like: (userId, tweetId) => engine.like(userId, tweetId, 'person'),
    repost: (userId, tweetId) => clone(engine.repost(userId, tweetId).tweet),
    listRules: () => clone(engine.listRules()),
    listWebhooks: () => engine.listWebhooks(),
    authorizeOAuth2: (input) => authorizeOAuth2(engine, input),
    costs: () => costs.report(),
    resetCosts: () => costs.reset(),
    setFaults: (f) => faults.set(f),
    clearFaults: () => faults.clear(),
    webhookDeliveries: () => webhooks.deliveries(),
    webhooksIdle: () => webhooks.idle(),
    disconnectActivityStreams: () => activity.disconnectStreams(),
    onEvent: (listener) => engine.onEvent(listener),
    reset() {
      engine.reset();
      limiter.clear();
      costs.reset();
      faults.clear();
      stream.disconnect();
      activity.disconnectStreams();
    },
    flush() {
      saver?.flush();
    },
  };
  return facade;
}
