import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import type { AuthenticatedSession } from '../src/modules/auth/auth.commands.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { DatabaseJobQueue } from '../src/platform/jobs/db-job-queue.ts';
import { InProcessRealtimeBus } from '../src/platform/realtime.ts';
import { sleep, type WorkerProcess } from './worker-process.ts';

/** What every SIGKILL test stands on: a sandbox brand, a migrated SQLite desk, and ways to look at its jobs. */
export interface CrashWorld {
  sandbox: XSandbox;
  sandboxUrl: string;
  dataDir: string;
  database: DatabaseHandle;
  brandToken: string;
  brandId: string;
  /** The environment of a desk process that talks to this sandbox as the brand, with short leases. */
  deskEnv(): Record<string, string>;
  /**
   * Jobs of this kind this desk process holds (claimed, lease running): what a kill interrupts. Workers are
   * named `host:pid:…`; a lease left by a previous, killed, process does not count.
   */
  leased(name: string, desk: WorkerProcess): Promise<number>;
  close(): Promise<void>;
}

/** The sandbox's limits are lifted on these endpoints (and `extraEndpoints`): the kills, not X, set the pace. */
const BASE_ENDPOINTS = ['GET /2/users/me', 'GET /2/users/:id/mentions', 'GET /2/users/:id/tweets', 'POST /2/tweets'];

export async function openCrashWorld(folderPrefix: string, extraEndpoints: string[] = []): Promise<CrashWorld> {
  const rateLimits = Object.fromEntries([...BASE_ENDPOINTS, ...extraEndpoints].map((e) => [e, 1_000_000]));
  const sandbox = createXSandbox({ rateLimits });
  const sandboxUrl = (await sandbox.listen()).url;
  const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
  const database = await openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') });
  await migrateToLatest(database.db);
  await bootstrapWorkspace(
    { db: database.db, clock: systemClock },
    { email: 'lead@acme.test', password: 'crash test password' },
  );
  return {
    sandbox,
    sandboxUrl,
    dataDir,
    database,
    brandToken: brand.token,
    brandId: brand.user.id,
    deskEnv: () => ({
      GUICHET_DATA_DIR: dataDir,
      GUICHET_SANDBOX: 'off',
      X_API_BASE_URL: sandboxUrl,
      X_ACCESS_TOKEN: brand.token,
      GUICHET_POLL_INTERVAL: '0.1',
      GUICHET_JOB_LEASE_SECONDS: '1',
    }),
    leased: async (name, desk) =>
      Number(
        (
          await database.db
            .selectFrom('jobs')
            .select(sql<number>`count(*)`.as('n'))
            .where('name', '=', name)
            .where('locked_by', 'like', `%:${desk.child.pid}:%`)
            .where('locked_until', '>', Date.now())
            .executeTakeFirstOrThrow()
        ).n,
      ),
    close: async () => {
      await database.close();
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every SIGKILL proof kills this many desk processes (issue 16: at least 50). */
export const KILLS = 50;
/** "Most kills landed while work was in flight": at least this share of them. */
export const IN_FLIGHT_SHARE = 0.6;

/** A deterministic sequence of kill delays; the process timing around them is what varies run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Kills the desk a random moment (up to `withinMs`) after its worker claimed a job of this kind. */
export async function killDuringJob(
  world: CrashWorld,
  desk: WorkerProcess,
  name: string,
  withinMs: number,
  random: () => number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await world.leased(name, desk)) === 0) await sleep(5);
  await sleep(random() * withinMs);
  await desk.kill();
}

/** What `replyToCase` needs to queue replies as the workspace's admin, from inside the test process. */
export async function adminReplyContext(world: CrashWorld) {
  const { db } = world.database;
  const deps = {
    db,
    clock: systemClock,
    jobs: new DatabaseJobQueue(world.database, systemClock),
    realtime: new InProcessRealtimeBus(),
  };
  const agent = await db.selectFrom('agents').select(['id', 'workspace_id']).executeTakeFirstOrThrow();
  const session: AuthenticatedSession = {
    sessionId: 'crash-test',
    agentId: agent.id,
    workspaceId: agent.workspace_id,
    role: 'admin',
  };
  return { deps, session };
}

/**
 * Kills a desk the instant X applies one of the brand's posts, before the desk hears back: the worst moment
 * for a reply. `killOnNextBrandPost` waits (30 s at most) for that post; `stop` ends the watch.
 */
export function brandPostKiller(world: CrashWorld) {
  let armed: WorkerProcess | undefined;
  const stop = world.sandbox.onEvent((event) => {
    if (armed && event.type === 'tweet.create' && event.tweet.authorId === world.brandId) {
      armed.child.kill('SIGKILL');
      armed = undefined;
    }
  });
  const killOnNextBrandPost = async (desk: WorkerProcess) => {
    armed = desk;
    const deadline = Date.now() + 30_000;
    while (armed && Date.now() < deadline) await sleep(5);
    armed = undefined;
    await desk.kill();
  };
  return { killOnNextBrandPost, stop };
}
