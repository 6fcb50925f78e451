/**
 * npm run load — a load and fault test of the scale-out mode on this machine (not in CI): two web processes,
 * two worker processes and a scheduler on PostgreSQL + Redis, one standalone X sandbox offering customer posts
 * (mentions and DMs from a few hundred customers) at a set rate, and simulated agents holding realtime
 * sockets and replying. Halfway it SIGKILLs one worker and one web process and restarts them. At the end it
 * checks every post stored once, every reply on X once and every socket back, and prints the figures; the
 * last line is one JSON object. LOAD_SECONDS / --seconds, LOAD_RATE / --rate etc.: see setup.ts.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/database.ts';
import { closeAll, connect, sendReply, type AgentCrowd, type ReplyLedger } from './agents.ts';
import {
  cpuSeconds,
  cpuSecondsOfCommand,
  freePort,
  killDesk,
  restartDesk,
  rssMiB,
  sampleRss,
  startDesk,
  stopDesk,
  waitHealthy,
  type DeskProcess,
} from './processes.ts';
import { measure } from './measure.ts';
import { checkRedis, createAgents, createLoadDatabase, dataDir, readOptions, REDIS_URL, forkSandbox } from './setup.ts';

const options = readOptions(process.argv.slice(2), process.env);
const say = (line: string) => process.stdout.write(`${line}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runId = randomBytes(3).toString('hex');

say(
  `Load: ${options.rate} posts/s offered for ${options.seconds} s (${Math.round(options.dmShare * 100)}% DMs, ${options.customers} customers), ${options.agents} agents, ${options.replyRate} replies/s, job lease ${options.leaseSeconds} s, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start`,
);
await checkRedis();
const database = await createLoadDatabase();
const x = await forkSandbox(options.customers);
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  GUICHET_DATA_DIR: dataDir(),
  GUICHET_SECRET_KEY: randomBytes(32).toString('hex'),
  GUICHET_ADMIN_EMAIL: 'admin@load.test',
  GUICHET_ADMIN_PASSWORD: 'load test admin password',
  X_API_BASE_URL: x.url,
  X_ACCESS_TOKEN: x.brandToken,
  X_BEARER_TOKEN: x.bearer,
  GUICHET_POLL_INTERVAL: '2',
  GUICHET_DM_POLL_INTERVAL: '1',
  GUICHET_JOB_LEASE_SECONDS: String(options.leaseSeconds),
  REDIS_URL,
  GUICHET_REDIS_PREFIX: `guichet-load-${runId}:`,
};
const ports = [await freePort(), await freePort()];
const web = ports.map((port, i) => startDesk(`web${i + 1}`, 'web', env, port));
const workers = [startDesk('worker1', 'worker', env), startDesk('worker2', 'worker', env)];
const scheduler = startDesk('scheduler', 'scheduler', env);
const desks: DeskProcess[] = [...web, ...workers, scheduler];
const sandboxPid = x.child.pid;
const handle = await openDatabase({ dialect: 'postgres', url: database.url });
const db = handle.db;

const ledger: ReplyLedger = {
  submitted: new Map(),
  delivered: new Map(),
  httpErrors: 0,
  retried: 0,
  refused: 0,
  refusals: {},
};
let result: Record<string, unknown> | undefined;
try {
  for (const desk of web) await waitHealthy(desk);
  say(`Desk up: web on ${ports.join(', ')}, sandbox at ${x.url}; adding and signing in ${options.agents} agents…`);
  const crowd: AgentCrowd = {
    agents: await createAgents(db, options.agents, ports),
    cases: [],
    socketErrors: 0,
    stopping: false,
  };
  const seenCases = new Set<string>();
  crowd.agents.slice(0, 20).forEach((agent) => (agent.log = new Map()));
  await Promise.all(crowd.agents.map((agent) => connect(crowd, agent, seenCases)));
  say(`${crowd.agents.filter((a) => a.open).length} sockets open; offering posts…`);

  const cpuStart = { postgres: cpuSecondsOfCommand('postgres'), redis: cpuSecondsOfCommand('redis-server') };
  const started = Date.now();
  const endAt = started + options.seconds * 1000;
  let sent = 0;
  x.tell({ type: 'offer', rate: options.rate, seconds: options.seconds, dmShare: options.dmShare });
  let posted = 0;
  const absorb = (delivered: [string, number, number][]) => {
    for (const [token, count, at] of delivered) ledger.delivered.set(token, { count, at });
  };

  const replying = new Set<Promise<void>>();
  const reply = setInterval(() => {
    if (crowd.cases.length === 0 || Date.now() >= endAt) return;
    // Replies due so far at the set rate (0: none), sent by random agents to random cases events named.
    while (sent < (options.replyRate * (Date.now() - started)) / 1000) {
      const agent = crowd.agents[Math.floor(Math.random() * crowd.agents.length)]!;
      const caseId = crowd.cases[Math.floor(Math.random() * crowd.cases.length)]!;
      const promise = sendReply(agent, caseId, `L${runId}-${sent++}`, ports, ledger);
      replying.add(promise);
      void promise.finally(() => replying.delete(promise));
    }
  }, 100);

  const windows: { at: number; posted: number; stored: number }[] = [];
  const countStored = async () =>
    Number(
      (await sql<{ n: number }>`select count(*) as n from messages where direction = 'inbound'`.execute(db)).rows[0]!.n,
    );
  const sampler = setInterval(() => sampleRss(desks), 500);
  let killedAt: number | undefined;
  while (Date.now() < endAt) {
    await pause(2000);
    const status = await x.ask({ type: 'status' }, 'status');
    posted = status.posted;
    absorb(status.delivered);
    windows.push({ at: Date.now(), posted, stored: await countStored() });
    const w = windows.at(-1)!;
    say(
      `  t=${Math.round((w.at - started) / 1000)}s posted ${w.posted} stored ${w.stored} backlog ${w.posted - w.stored} replies ${ledger.submitted.size}/${ledger.delivered.size} sockets ${crowd.agents.filter((a) => a.open).length}`,
    );
    if (options.kill && killedAt === undefined && w.at - started >= (options.seconds * 1000) / 2) {
      killedAt = Date.now();
      say('  SIGKILL worker1 and web1, restarting them');
      await Promise.all([killDesk(workers[0]!), killDesk(web[0]!)]);
      restartDesk(workers[0]!, env);
      restartDesk(web[0]!, env);
    }
  }
  clearInterval(reply);
  clearInterval(sampler);
  // The servers' CPU over the offered part only (PostgreSQL forks one process per connection: all summed).
  const cpuServers = {
    // Backends that ended meanwhile take their CPU with them: a floor, never below zero.
    postgres: Math.max(0, cpuSecondsOfCommand('postgres') - cpuStart.postgres),
    redis: cpuSecondsOfCommand('redis-server') - cpuStart.redis,
  };
  const sandboxCpu = cpuSeconds(sandboxPid);
  const sandboxRss = rssMiB(sandboxPid);
  const { offered, refused, delivered } = await x.ask({ type: 'report' }, 'report');
  absorb(delivered);
  say(`Offered ${offered.length} posts in ${options.seconds} s; draining (at most ${options.drainSeconds} s)…`);
  await Promise.all([...replying]);
  const drainEnd = Date.now() + options.drainSeconds * 1000;
  let drained = false;
  while (Date.now() < drainEnd) {
    const stored = await countStored();
    absorb((await x.ask({ type: 'status' }, 'status')).delivered);
    const repliesOut = [...ledger.submitted.keys()].every((t) => ledger.delivered.has(t));
    if (stored >= offered.length && repliesOut && crowd.agents.every((a) => a.open)) {
      drained = true;
      break;
    }
    await pause(1000);
  }
  const drainSeconds = (Date.now() - endAt) / 1000;
  await pause(3000); // a duplicate, if any, would be a late second delivery: give it the time to show
  absorb((await x.ask({ type: 'status' }, 'status')).delivered);
  sampleRss(desks);
  result = await measure({
    db,
    options,
    offered,
    dmRefused: refused,
    sandboxRssMiB: sandboxRss,
    windows,
    crowd,
    ledger,
    desks,
    started,
    endAt,
    killedAt,
    drained,
    drainSeconds,
    cpu: Object.fromEntries([
      ...desks.map((d) => [d.name, d.cpuSecondsBefore + cpuSeconds(d.child.pid)]),
      ['load driver (agents, sockets)', process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6],
      ['sandbox (X and the customers)', sandboxCpu],
      ['postgres server (offered part, live backends only)', cpuServers.postgres],
      ['redis-server (offered part)', cpuServers.redis],
    ]),
  });
  closeAll(crowd);
} finally {
  await Promise.all(desks.map((desk) => stopDesk(desk)));
  await handle.close();
  x.tell({ type: 'exit' });
  await database.drop().catch(() => undefined);
}
say(JSON.stringify(result));
process.exit(result && result.ok === true ? 0 : 1);
