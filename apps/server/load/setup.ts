import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { SESSION_COOKIE } from '../src/modules/auth/auth.routes.ts';
import { createSession } from '../src/modules/auth/sessions.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';
import { signIn, type Agent } from './agents.ts';
import type { FromSandbox, ToSandbox } from './sandbox-process.ts';

export interface LoadOptions {
  seconds: number;
  rate: number;
  agents: number;
  replyRate: number;
  customers: number;
  dmShare: number;
  drainSeconds: number;
  leaseSeconds: number;
  kill: boolean;
}

/** Environment variables, overridden by `--name=value` flags (`--seconds=60 --rate=200`). */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): LoadOptions {
  const flags = new Map(
    argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=') as [string, string | undefined]),
  );
  const number = (flag: string, variable: string, fallback: number): number => {
    const raw = flags.get(flag) ?? env[variable];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} / ${variable} must be a number ≥ 0`);
    return value;
  };
  return {
    seconds: number('seconds', 'LOAD_SECONDS', 300),
    rate: number('rate', 'LOAD_RATE', 1000),
    agents: number('agents', 'LOAD_AGENTS', 200),
    replyRate: number('reply-rate', 'LOAD_REPLY_RATE', 10),
    customers: number('customers', 'LOAD_CUSTOMERS', 300),
    dmShare: number('dm-share', 'LOAD_DM_SHARE', 0.2),
    drainSeconds: number('drain', 'LOAD_DRAIN_SECONDS', 120),
    leaseSeconds: number('lease', 'LOAD_JOB_LEASE_SECONDS', 10),
    kill: (flags.get('kill') ?? env.LOAD_KILL ?? 'true') !== 'false',
  };
}

export const POSTGRES_URL =
  process.env.LOAD_DATABASE_URL ??
  process.env.GUICHET_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.LOAD_REDIS_URL ?? process.env.GUICHET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface LoadDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A throw-away database on the PostgreSQL server, dropped at the end. */
export async function createLoadDatabase(): Promise<LoadDatabase> {
  const name = `guichet_load_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function checkRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(error as Error).message}): run scripts/ensure-redis.sh`,
    );
  } finally {
    redis.disconnect();
  }
}

export interface SandboxProcess {
  child: ChildProcess;
  url: string;
  brandToken: string;
  bearer: string;
  ask<T extends FromSandbox['type']>(message: ToSandbox, answer: T): Promise<Extract<FromSandbox, { type: T }>>;
  tell(message: ToSandbox): void;
}

/** Forks the standalone sandbox (sandbox-process.ts) and waits until it listens. */
export async function forkSandbox(customers: number): Promise<SandboxProcess> {
  const child = fork(path.resolve(import.meta.dirname, 'sandbox-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOAD_CUSTOMERS: String(customers) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromSandbox['type']>(type: T) =>
    new Promise<Extract<FromSandbox, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromSandbox) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<FromSandbox, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the sandbox process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    child,
    url: ready.url,
    brandToken: ready.brandToken,
    bearer: ready.bearer,
    ask: (message, answer) => {
      const reply = next(answer);
      child.send(message);
      return reply;
    },
    tell: (message) => child.send(message),
  };
}

export function dataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-load-'));
}

const AGENT_PASSWORD = 'load test agent password';

/**
 * Adds the agents and opens their sessions. Agent 0 signs in over HTTP, as a person would; the others are
 * copies of its row under their own id, email and name, with a session opened in the database the way
 * sign-in opens one: argon2 is built to be slow, and 200 password checks took minutes of both cores on a
 * busy machine before the test had even begun. Agents alternate between the web processes.
 */
export async function createAgents(db: Db, count: number, ports: number[]): Promise<Agent[]> {
  const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
  const email = (i: number) => `agent${i}@load.test`;
  await addAgent(
    { db, clock: systemClock },
    { workspaceId: workspace.id, email: email(0), name: 'Agent 0', role: 'agent', password: AGENT_PASSWORD },
  );
  const template = await db.selectFrom('agents').selectAll().where('email', '=', email(0)).executeTakeFirstOrThrow();
  const agents: Agent[] = [];
  const add = (i: number, cookie: string) =>
    agents.push({
      email: email(i),
      port: ports[i % ports.length]!,
      cookie,
      socket: undefined,
      open: false,
      reconnects: 0,
      events: 0,
      log: undefined,
    });
  add(0, await signIn(ports[0]!, email(0), AGENT_PASSWORD));
  for (let i = 1; i < count; i++) {
    const agent = { ...template, id: newId(), email: email(i), name: `Agent ${i}` };
    await db.insertInto('agents').values(agent).execute();
    const { token } = await createSession(db, { agent, now: Date.now() });
    add(i, `${SESSION_COOKIE}=${token}`);
  }
  return agents;
}
