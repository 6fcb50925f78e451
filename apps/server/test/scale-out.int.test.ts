import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { SCHEDULER_LEASE } from '../src/roles/scheduler.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { createTestDatabase, postgresSkipped, type TestDatabase } from './databases.ts';
import { waitUntil } from './worker-process.ts';

const GUICHET_BIN = path.resolve(import.meta.dirname, '../bin/guichet.mjs');
const REDIS_URL = process.env.GUICHET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_SECONDS = 2;
const ADMIN = { email: 'lead@acme.test', password: 'scale-out test password' };
const AGENT_B = { email: 'b@acme.test', password: 'agent b test password' };

interface DeskChild {
  name: string;
  child: ChildProcess;
  port: number | undefined;
  output(): string;
  exited: Promise<number | null>;
}

/** A real `guichet start` process with exactly this environment (nothing inherited that could add REDIS_URL). */
function startDesk(name: string, roles: string, env: Record<string, string>, port?: number): DeskChild {
  const child = spawn(process.execPath, [GUICHET_BIN, 'start', `--roles=${roles}`], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...(port === undefined ? {} : { PORT: String(port), HOST: '127.0.0.1' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, port, output: () => output, exited };
}

async function stopChild(desk: DeskChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (desk.child.exitCode === null && desk.child.signalCode === null) desk.child.kill(signal);
  await desk.exited;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function signIn(port: number, credentials: { email: string; password: string }): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 200)
    throw new Error(`sign-in failed on ${port}: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('guichet_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie.split(';')[0]!;
}

interface Received {
  at: number;
  event: { type: string; caseId?: string; agent?: { id: string }; state?: string };
}

async function openSocket(port: number, cookie: string): Promise<{ socket: WebSocket; received: Received[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/realtime`, { headers: { cookie } });
  const received: Received[] = [];
  socket.on('message', (data) => received.push({ at: Date.now(), event: JSON.parse(String(data)) }));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received };
}

/**
 * The scale-out mode as an operator runs it: two web processes and a worker process on one PostgreSQL
 * database, sharing realtime events and presence through Redis, reaching one X sandbox (run here, standalone
 * for them) at X_API_BASE_URL. Real child processes, started all at once (the startup lock serialises their
 * migrations and first-start bootstrap).
 */
describe.skipIf(postgresSkipped || process.env.GUICHET_TEST_REDIS === 'skip')(
  'scale-out: several processes on PostgreSQL + Redis',
  () => {
    let database: TestDatabase;
    let db: DatabaseHandle;
    let sandbox: XSandbox;
    let customerId: string;
    let web1: DeskChild;
    let web2: DeskChild;
    let worker: DeskChild;
    const children: DeskChild[] = [];
    const sockets: WebSocket[] = [];
    const prefix = `guichet-test-${randomBytes(6).toString('hex')}:`;
    let baseEnv: Record<string, string>;

    beforeAll(async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
      database = await createTestDatabase('postgres');
      if (database.config.dialect !== 'postgres') throw new Error('expected PostgreSQL');
      sandbox = createXSandbox({});
      const sandboxUrl = (await sandbox.listen()).url;
      const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
      customerId = sandbox.ensureUser({ username: 'client_scale', name: 'Client' }).user.id;
      baseEnv = {
        DATABASE_URL: database.config.url,
        GUICHET_DATA_DIR: database.dataDir,
        GUICHET_SECRET_KEY: randomBytes(32).toString('hex'),
        GUICHET_ADMIN_EMAIL: ADMIN.email,
        GUICHET_ADMIN_PASSWORD: ADMIN.password,
        X_API_BASE_URL: sandboxUrl,
        X_ACCESS_TOKEN: brand.token,
        GUICHET_POLL_INTERVAL: '0.2',
        GUICHET_STREAMING: 'false',
        GUICHET_LEADER_LEASE_SECONDS: String(LEASE_SECONDS),
        REDIS_URL,
        GUICHET_REDIS_PREFIX: prefix,
      };
      const [port1, port2] = [await freePort(), await freePort()];
      web1 = startDesk('web1', 'web,scheduler', baseEnv, port1);
      web2 = startDesk('web2', 'web,scheduler', baseEnv, port2);
      worker = startDesk('worker', 'worker', baseEnv);
      children.push(web1, web2, worker);
      for (const web of [web1, web2]) {
        await waitUntil(
          async () => {
            if (web.child.exitCode !== null) throw new Error(`${web.name} exited:\n${web.output()}`);
            return fetch(`http://127.0.0.1:${web.port}/healthz`).then(
              (r) => r.ok,
              () => false,
            );
          },
          30_000,
          `${web.name} answering`,
        );
      }
      db = await openDatabase(database.config);
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.terminate();
      await Promise.all(children.map((desk) => stopChild(desk, 'SIGKILL')));
      await db?.close();
      await sandbox?.close();
      await database?.drop();
    });

    it('started one workspace, one channel and no sandbox of their own, all at once', async () => {
      expect(await db.db.selectFrom('workspaces').select('id').execute()).toHaveLength(1);
      expect(await db.db.selectFrom('channels').select('id').execute()).toHaveLength(1);
      for (const desk of children) expect(desk.output()).not.toContain('built-in X sandbox running');
    });

    it('brings a message the worker stored to a socket on each web process within 2 s', async () => {
      const cookie1 = await signIn(web1.port!, ADMIN);
      const cookie2 = await signIn(web2.port!, ADMIN);
      const [a, b] = [await openSocket(web1.port!, cookie1), await openSocket(web2.port!, cookie2)];
      sockets.push(a.socket, b.socket);
      const text = `@acme_sav my parcel ${randomBytes(4).toString('hex')} never arrived`;
      const postedAt = Date.now();
      sandbox.post(customerId, { text });

      let stored: { caseId: string; at: number } | undefined;
      await waitUntil(
        async () => {
          const row = await db.db
            .selectFrom('messages')
            .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
            .select('case_conversations.case_id as caseId')
            .where('messages.text', '=', text)
            .executeTakeFirst();
          if (row) stored = { caseId: row.caseId, at: Date.now() };
          return row !== undefined;
        },
        20_000,
        'the worker storing the mention',
      );
      const arrival = (received: Received[]) =>
        received.find((r) => r.event.type === 'case.changed' && r.event.caseId === stored!.caseId)?.at;
      // Bounded by the promise: the event must be at both sockets within 2 s of the row being visible.
      await waitUntil(async () => !!arrival(a.received) && !!arrival(b.received), 2_000, 'the event on both sockets');
      const latencies = [arrival(a.received)!, arrival(b.received)!].map((at) => Math.max(0, at - stored!.at));
      console.log(
        `scale-out: stored message → socket (row seen by a 100 ms check) web1 ${latencies[0]} ms, web2 ${latencies[1]} ms; ` +
          `customer post → socket (0.2 s polling included) web1 ${arrival(a.received)! - postedAt} ms, web2 ${arrival(b.received)! - postedAt} ms`,
      );
      for (const latency of latencies) expect(latency).toBeLessThanOrEqual(2_000);
    });

    it('shows agent A viewing a case on web 1 to agent B on web 2', async () => {
      const workspace = await db.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
      const { agentId } = await addAgent(
        { db: db.db, clock: systemClock },
        { workspaceId: workspace.id, name: 'Agent B', role: 'agent', ...AGENT_B },
      ).then((added) => ({ agentId: added.id }));
      const cookieA = await signIn(web1.port!, ADMIN);
      const cookieB = await signIn(web2.port!, AGENT_B);
      const b = await openSocket(web2.port!, cookieB);
      sockets.push(b.socket);
      const kase = await db.db.selectFrom('cases').select('id').executeTakeFirstOrThrow();
      const response = await fetch(`http://127.0.0.1:${web1.port}/api/cases/${kase.id}/presence`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookieA, origin: `http://127.0.0.1:${web1.port}` },
        body: JSON.stringify({ state: 'viewing' }),
      });
      expect(response.status).toBe(204);
      await waitUntil(
        async () =>
          b.received.some(
            (r) => r.event.type === 'presence' && r.event.caseId === kase.id && r.event.state === 'viewing',
          ),
        5_000,
        'agent B seeing agent A',
      );
      const seen = b.received.find((r) => r.event.type === 'presence')!.event;
      expect(seen.agent?.id).not.toBe(agentId);
    });

    it('hands the scheduler over within one lease when its leader is killed', async () => {
      const holderPid = async () => {
        const row = await db.db
          .selectFrom('leases')
          .select(['holder', 'expires_at'])
          .where('name', '=', SCHEDULER_LEASE)
          .executeTakeFirst();
        return row && row.expires_at > Date.now() ? Number(row.holder.split(':')[1]) : undefined;
      };
      await waitUntil(async () => (await holderPid()) !== undefined, 10_000, 'a scheduler leader');
      const leaderPid = await holderPid();
      const [leader, follower] = leaderPid === web1.child.pid ? [web1, web2] : [web2, web1];
      expect(leaderPid).toBe(leader.child.pid);

      const killedAt = Date.now();
      await stopChild(leader, 'SIGKILL');
      await waitUntil(
        async () => (await holderPid()) === follower.child.pid,
        LEASE_SECONDS * 1000 * 3,
        'the follower taking over',
      );
      const handover = Date.now() - killedAt;
      console.log(`scale-out: scheduler handover ${handover} ms after SIGKILL (lease ${LEASE_SECONDS * 1000} ms)`);
      // One lease at most, plus the follower's next attempt (a quarter lease) and a margin for a busy machine.
      expect(handover).toBeLessThanOrEqual(LEASE_SECONDS * 1000 * 1.25 + 1_000);

      // The new leader's rounds run: a new mention reaches the desk.
      const text = `@acme_sav after the handover ${randomBytes(4).toString('hex')}`;
      sandbox.post(customerId, { text });
      await waitUntil(
        async () =>
          (await db.db.selectFrom('messages').select('id').where('text', '=', text).executeTakeFirst()) !== undefined,
        20_000,
        'a mention stored under the new leader',
      );
    });

    it('stops a process without REDIS_URL with one sentence naming it', async () => {
      const { REDIS_URL: _redis, GUICHET_REDIS_PREFIX: _prefix, ...withoutRedis } = baseEnv;
      const lone = startDesk('lone', 'web', withoutRedis, await freePort());
      children.push(lone);
      const code = await Promise.race([
        lone.exited,
        new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000)),
      ]);
      expect(code).toBe(1);
      expect(lone.output()).toContain(
        'Guichet cannot start: Another Guichet process already runs on this PostgreSQL database: set the same REDIS_URL on every process',
      );
    });
  },
);
