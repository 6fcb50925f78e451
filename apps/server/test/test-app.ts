import pino from 'pino';
import { compose, dispose, type AppDeps } from '../src/composition.ts';
import { ManualClock, systemClock, type Clock } from '../src/platform/clock.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import type { HttpApp } from '../src/platform/http/http-app.ts';
import type { JobWorker } from '../src/platform/jobs/job-queue.ts';
import { buildScheduler, type Scheduler } from '../src/roles/scheduler.ts';
import { buildWebApp } from '../src/roles/web.ts';
import { buildWorker } from '../src/roles/worker.ts';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases.ts';

export const TEST_ADMIN = { email: 'lead@acme.test', password: 'correct horse battery' };

export interface TestApp {
  deps: AppDeps;
  http: HttpApp;
  worker: JobWorker;
  scheduler: Scheduler;
  config: Config;
  /** A session cookie for the first admin. */
  signIn(credentials?: { email: string; password: string }): Promise<string>;
  /** One scheduler round, then every job that is due, as the running desk would do them. */
  pollAndWork(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole desk in-process, on a throw-away database of the given dialect, with the built-in X sandbox
 * listening on a free port and no simulated customer (tests post as customers themselves).
 */
export async function createTestApp(
  options: { dialect?: TestDialect; clock?: Clock; env?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp> {
  // A given database (a bench's seeded one, reused across runs) is the caller's to keep or drop.
  const database = options.database ?? (await createTestDatabase(options.dialect ?? 'sqlite', { migrated: true }));
  const config: Config = {
    ...loadConfig({
      GUICHET_DATA_DIR: database.dataDir,
      GUICHET_ADMIN_EMAIL: TEST_ADMIN.email,
      GUICHET_ADMIN_PASSWORD: TEST_ADMIN.password,
      GUICHET_SANDBOX: 'on',
      // A stream job runs until the worker stops, which `drain()` would wait for: tests opt in explicitly.
      GUICHET_STREAMING: 'false',
      LOG_LEVEL: 'silent',
      ...options.env,
    }),
    database: database.config,
  };
  const deps = await compose(config, {
    clock: options.clock ?? systemClock,
    logger: pino({ level: process.env.GUICHET_TEST_LOG ?? 'silent' }),
    simulateCustomer: false,
    backgroundCheckpoint: false,
  });
  const http = await buildWebApp(deps, { serveWeb: false });
  const worker = buildWorker(deps);
  const scheduler = buildScheduler(deps);
  return {
    deps,
    http,
    worker,
    scheduler,
    config,
    async signIn(credentials = TEST_ADMIN) {
      const response = await http.inject({ method: 'POST', url: '/api/auth/sign-in', payload: credentials });
      if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'guichet_session');
      if (!cookie) throw new Error('sign-in set no session cookie');
      return `guichet_session=${cookie.value}`;
    },
    async pollAndWork() {
      await scheduler.tick();
      await worker.drain();
    },
    async close() {
      scheduler.stop();
      await worker.stop();
      await http.close();
      await dispose(deps);
      await database.drop();
    },
  };
}

export { ManualClock };
