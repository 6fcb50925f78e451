import type { CaseList } from '@guichet/contracts';
import { ManualClock } from '../src/platform/clock.ts';
import type { TestDialect } from './databases.ts';
import { createTestApp, type TestApp } from './test-app.ts';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface DeskClient {
  /**
   * A new desk on a throw-away database, its clock at `at` (now by default), the first admin signed in. The
   * test keeps the returned app where `deskClient` reads it.
   */
  start(options: {
    dialect: TestDialect;
    at?: string | Date;
    env?: Record<string, string>;
  }): Promise<{ app: TestApp; clock: ManualClock }>;
  /** Signs the first admin in and keeps the session for later calls. */
  signIn(): Promise<string>;
  /** The admin's current session cookie. */
  cookie(): string;
  /** A JSON call as the admin, or as the session given in `as`. */
  api<T = unknown>(method: ApiMethod, url: string, payload?: unknown, as?: string): Promise<ApiResponse<T>>;
  /** The built-in X sandbox. */
  sandbox(): NonNullable<TestApp['deps']['sandbox']>['instance'];
  /** The brand's account on the sandbox. */
  brand(): ReturnType<DeskClient['customer']>;
  /** A customer's account on the sandbox, created on first use. */
  customer(username: string): ReturnType<ReturnType<DeskClient['sandbox']>['ensureUser']>['user'];
  /** A customer posts on X (a mention of the brand, for one that names it); the desk has not polled yet. */
  mention(username: string, text: string, name?: string): ReturnType<ReturnType<DeskClient['sandbox']>['post']>;
  /**
   * Minutes pass as the desk polls (a poll the sandbox rate-limits waits for its window to reset) until the
   * customer's case is listed, for at most 20 minutes; `sweep` also runs the scheduler after each poll.
   */
  waitForCase(
    clock: ManualClock,
    username: string,
    options?: { sweep?: boolean },
  ): Promise<CaseList['cases'][number] | undefined>;
  /** A round of the desk (poll, schedule, deliver), then a second one so that what it decided goes out. */
  round(): Promise<void>;
}

/**
 * The admin's side of an integration test: signed-in API calls and the sandbox's accounts. `app` is read on
 * every call, so a test may create its app after building the client. With `renewExpiredSession`, a 401 on
 * the admin's own session signs in again (tests where weeks go by outlive a session); calls made `as`
 * another session are never retried, so their 401s stay visible.
 */
export function deskClient(app: () => TestApp, options: { renewExpiredSession?: boolean } = {}): DeskClient {
  let cookie = '';
  const signIn = async () => {
    cookie = await app().signIn();
    return cookie;
  };
  const api = async <T = unknown>(
    method: ApiMethod,
    url: string,
    payload?: unknown,
    as?: string,
  ): Promise<ApiResponse<T>> => {
    // Changes are JSON even without a body, as the web app sends them (the desk refuses other types).
    const json = method === 'GET' || payload ? {} : { 'content-type': 'application/json' };
    const send = () =>
      app().http.inject({ method, url, headers: { cookie: as ?? cookie, ...json }, ...(payload ? { payload } : {}) });
    let response = await send();
    if (response.statusCode === 401 && options.renewExpiredSession && as === undefined) {
      await signIn();
      response = await send();
    }
    return { status: response.statusCode, body: (response.body ? response.json() : null) as T };
  };
  const sandbox = () => app().deps.sandbox!.instance;
  const customer = (username: string) => sandbox().ensureUser({ username, name: username }).user;
  return {
    async start({ dialect, at = new Date(), env }) {
      const clock = new ManualClock(at);
      const created = await createTestApp({ dialect, clock, env });
      cookie = await created.signIn();
      return { app: created, clock };
    },
    signIn,
    cookie: () => cookie,
    api,
    sandbox,
    brand: () => sandbox().findUser('acme_sav')!,
    customer,
    mention(username, text, name = username) {
      const { user } = sandbox().ensureUser({ username, name });
      return sandbox().post(user.id, { text });
    },
    async waitForCase(clock, username, options = {}) {
      let found: CaseList['cases'][number] | undefined;
      for (let round = 0; round < 20 && !found; round++) {
        clock.advanceBy(60_000);
        await app().pollAndWork();
        if (options.sweep) await app().scheduler.tick();
        found = (await api<CaseList>('GET', '/api/cases')).body.cases.find((c) => c.contact.handle === username);
      }
      return found;
    },
    async round() {
      await app().pollAndWork();
      await app().pollAndWork();
    },
  };
}

/** Lets `ms` go by on the clock in steps of `step`, the desk running one round after each step. */
export async function elapse(app: TestApp, clock: ManualClock, ms: number, step: number): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    clock.advanceBy(Math.min(step, left));
    await app.pollAndWork();
  }
}
