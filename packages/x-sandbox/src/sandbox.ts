import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  emptyState,
  SandboxEngine,
  type CreateUserInput,
  type SandboxAccount,
  type SandboxPlan,
  type SandboxTweet,
  type SandboxUser,
} from './engine.ts';
import { DebouncedSaver, loadState } from './persistence.ts';
import { RateLimiter } from './rate-limit.ts';
import { createRequestHandler } from './server.ts';

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
}

export interface XSandbox {
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Base URL once listening. */
  readonly url: string | undefined;
  readonly plan: SandboxPlan;
  /** The sandbox app's OAuth 1.0a consumer keys (also included in every account's `oauth1`). */
  readonly appCredentials: { appKey: string; appSecret: string };
  createUser(input: CreateUserInput): SandboxAccount;
  /** Returns the existing account (same credentials as first issued) or creates it. */
  ensureUser(input: CreateUserInput): SandboxAccount & { created: boolean };
  /** Issues an extra OAuth 2.0 token and OAuth 1.0a pair for an existing user. */
  issueUserCredentials(userId: string): SandboxAccount;
  findUser(idOrUsername: string): SandboxUser | undefined;
  listUsers(): SandboxUser[];
  issueAppBearer(): string;
  /** Posts as a person on X (not through an app): content rules apply, the self-serve API policy does not. */
  post(asUserId: string, input: { text: string; inReplyToTweetId?: string; quoteTweetId?: string }): SandboxTweet;
  deleteTweet(asUserId: string, tweetId: string): boolean;
  getTweet(id: string): SandboxTweet | undefined;
  /** Live posts, newest first. */
  listTweets(filter?: { authorId?: string; inReplyToTweetId?: string }): SandboxTweet[];
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
  const handler = createRequestHandler({ engine, limiter, adminKey: options.adminKey });
  let server: Server | undefined;
  let url: string | undefined;
  const clone = <T>(value: T): T => structuredClone(value);

  return {
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('X sandbox is already listening');
      const s = createServer(handler);
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
      return { url };
    },
    async close() {
      const s = server;
      server = undefined;
      url = undefined;
      if (saver?.pending) saver.flush();
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
      return { appKey: app.consumerKey, appSecret: app.consumerSecret };
    },
    createUser: (input) => engine.createUser(input),
    ensureUser: (input) => engine.ensureUser(input),
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
    reset() {
      engine.reset();
      limiter.clear();
    },
    flush() {
      saver?.flush();
    },
  };
}
