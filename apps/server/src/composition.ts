import path from 'node:path';
import fs from 'node:fs';
import { createXSandbox, startCustomerSimulation, startReplay, type XSandbox } from '@guichet/x-sandbox';
import type { Logger } from 'pino';
import { migrateToLatest } from './migrations/registry.ts';
import { bootstrapWorkspace, type BootstrapResult } from './modules/agents/agents.commands.ts';
import { SignInThrottle } from './modules/auth/sign-in-throttle.ts';
import { ChannelConnectors } from './modules/channels/channel-connectors.ts';
import {
  ensureEnvironmentChannel,
  ensureSandboxChannel,
  refreshChannelCredentials,
} from './modules/channels/channels.commands.ts';
import { OAuth2Clients } from './modules/channels/x-oauth2.ts';
import { coalescingUsageRecorder } from './modules/channels/spend.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import { StartupError } from './platform/errors.ts';
import { restrictDirectory } from './platform/files.ts';
import { openDatabase, type DatabaseHandle, type Db } from './platform/db/database.ts';
import { acquireStartupLock } from './platform/db/process-locks.ts';
import { DatabaseJobQueue } from './platform/jobs/db-job-queue.ts';
import { createLogger } from './platform/logger.ts';
import { createMetrics, type Metrics } from './platform/metrics.ts';
import { InProcessRealtimeBus, type RealtimeBus } from './platform/realtime.ts';
import { RedisRealtimeBus } from './platform/realtime-redis.ts';
import { loadSecretKey, SecretBox } from './platform/secrets.ts';

export { VERSION } from './platform/version.ts';

/** Everything the features need, built once; the only place where concrete drivers are chosen. */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  jobs: DatabaseJobQueue;
  realtime: RealtimeBus;
  secrets: SecretBox;
  throttle: SignInThrottle;
  connectors: ChannelConnectors;
  sandbox: { instance: XSandbox; url: string; stop(): Promise<void> } | undefined;
  bootstrap: BootstrapResult;
  startedAt: number;
}

export interface ComposeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Tests drive the sandbox themselves instead of letting a simulated customer post on a timer. */
  simulateCustomer?: boolean;
  /**
   * SQLite: checkpoint the WAL in a thread of its own (decision 0014), on by default. In-process test desks
   * live a second each: the thread's start (~50 ms of CPU) would outweigh what it saves them.
   */
  backgroundCheckpoint?: boolean;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<AppDeps> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.logPretty });
  const database = await openDatabase(
    config.database,
    options.backgroundCheckpoint === false
      ? {}
      : { backgroundCheckpoint: { onError: (error) => logger.warn({ err: error }, 'SQLite background checkpoint') } },
  );
  restrictDirectory(config.dataDir);
  const cleanup: (() => Promise<void>)[] = [() => database.close()];
  let releaseStartup: (() => Promise<void>) | undefined;
  try {
    releaseStartup = await acquireStartupLock(config.database);
    const migration = await migrateToLatest(database.db, () => clock.now().getTime());
    if (migration.applied.length > 0) logger.info({ applied: migration.applied }, 'database migrated');
    const bootstrap = await bootstrapWorkspace({ db: database.db, clock }, config.admin);
    const secrets = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));

    let sandbox: AppDeps['sandbox'];
    if (config.sandbox.enabled) {
      const instance = createXSandbox({
        clock: () => clock.now(),
        stateFile: path.join(config.dataDir, 'x-sandbox.json'),
        plan: 'self-serve',
        adminKey: config.sandbox.adminKey,
        brandUsername: config.sandbox.brandUsername,
        rateLimits: config.sandbox.rateLimits,
      });
      const { url } = await instance.listen(config.sandbox.port, '127.0.0.1');
      const simulation =
        options.simulateCustomer === false
          ? undefined
          : config.sandbox.replayFile
            ? startSandboxReplay(instance, config, logger)
            : startCustomerSimulation(instance, {
                brandUsername: config.sandbox.brandUsername,
                intervalMs: config.sandbox.customerIntervalSeconds * 1000,
              });
      sandbox = {
        instance,
        url,
        stop: async () => {
          simulation?.stop();
          await instance.close();
        },
      };
      cleanup.push(() => sandbox!.stop());
      logger.info(
        { url, page: `${url}/sandbox`, brand: config.sandbox.brandUsername },
        'built-in X sandbox running (no X account needed); post as a customer from its page',
      );
    }

    const base = { db: database.db, clock, secrets, logger };
    const oauth2 = new OAuth2Clients({ ...config.xOAuth2, apiBaseUrl: config.xApiBaseUrl }, () => sandbox);
    const connectors = new ChannelConnectors(
      secrets,
      () => sandbox?.url,
      coalescingUsageRecorder(
        database.db,
        () => clock.now().getTime(),
        (error, channelId) => logger.warn({ err: error, channelId }, 'could not record X usage'),
      ),
      // OAuth 2.0 user tokens last 2 hours: refreshed just before, so no poll goes out with an expired one.
      { now: () => clock.now().getTime(), refresh: (channelId) => refreshChannelCredentials(base, channelId, oauth2) },
      config.xTimeoutSeconds * 1000,
    );
    if (sandbox) {
      await ensureSandboxChannel(base, {
        workspaceId: bootstrap.workspaceId,
        sandbox: sandbox.instance,
        brandUsername: config.sandbox.brandUsername,
      });
    }
    if (config.x) {
      await ensureEnvironmentChannel(base, {
        workspaceId: bootstrap.workspaceId,
        credentials: config.x,
        apiBaseUrl: config.xApiBaseUrl,
        connectors,
      });
    }

    // Several processes share realtime events (and presence) through Redis; one process keeps them in memory.
    const realtime: RealtimeBus = config.redis
      ? await RedisRealtimeBus.connect(config.redis.url, config.redis.prefix, logger)
      : new InProcessRealtimeBus();
    cleanup.push(async () => realtime.close?.());
    if (config.redis && !sandbox && !config.x && !config.xApiBaseUrl) {
      logger.warn(
        'no X account and no sandbox: with REDIS_URL the built-in sandbox runs on its own (`guichet sandbox`); point X_API_BASE_URL and X_ACCESS_TOKEN at it',
      );
    }

    return {
      config,
      database,
      db: database.db,
      clock,
      logger,
      metrics: createMetrics(),
      jobs: new DatabaseJobQueue(database, clock, config.jobLeaseSeconds * 1000),
      realtime,
      secrets,
      throttle: new SignInThrottle(clock),
      connectors,
      sandbox,
      bootstrap,
      startedAt: Date.now(),
    };
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  } finally {
    await releaseStartup?.();
  }
}

/**
 * Plays a real support history (Customer Support on Twitter CSV) into the sandbox, time-compressed, with
 * the file's busiest brand standing for ours. Its original answers are held back: the desk's agents answer.
 */
function startSandboxReplay(instance: XSandbox, config: Config, logger: Logger) {
  if (!fs.existsSync(config.sandbox.replayFile!)) {
    throw new StartupError(`GUICHET_SANDBOX_REPLAY names a file that does not exist: ${config.sandbox.replayFile}.`);
  }
  const replay = startReplay(instance, {
    file: config.sandbox.replayFile!,
    brandUsername: config.sandbox.brandUsername,
    speed: config.sandbox.replaySpeed,
    ourReplies: false,
    onError: (error) => logger.warn({ err: error }, 'replay could not play a post'),
  });
  logger.info(
    {
      file: config.sandbox.replayFile,
      speed: config.sandbox.replaySpeed,
      brand: replay.ourBrand,
      posts: replay.progress().total,
    },
    'replaying a support history into the sandbox',
  );
  void replay.finished.then(() => logger.info(replay.progress(), 'replay finished'));
  return replay;
}

export async function dispose(deps: AppDeps): Promise<void> {
  await deps.sandbox?.stop();
  await deps.realtime.close?.();
  await deps.database.close();
}
