/**
 * npm run bench:ingest — inbound posts per second through the whole ingestion pipeline (`ingestPage`: normalise,
 * echoes and duplicates, noise, contacts, threading, cases, triage, rules, store, events and cursor) WITH a
 * realistic rule set configured, on SQLite and PostgreSQL, beside the rows per second of a raw batched insert
 * of the same message rows on the same database in the same run, and the time each stage takes.
 * Two figures per database: `sequential`, each page awaited before the next is handed in (a poll, a trickle of
 * deliveries: one transaction per page), and `burst`, every page handed in at once and awaited together (a
 * burst of webhook deliveries, a replay, a catch-up: the ingest queue commits waiting pages in groups).
 * Medians of several runs, each on a fresh database. Last line: one JSON object (`burst` inside each dialect).
 * BENCH_POSTS (20,000), BENCH_RUNS (3), BENCH_DIALECTS (`sqlite,postgres`), BENCH_PAGE (100 posts per page) and
 * BENCH_STREAM_SAMPLES (200; 0 skips the stream latency) narrow a run while working on one stage; the figures for
 * a note come from the full run.
 */
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import {
  ingestPage,
  STAGES,
  type IngestDeps,
  type IngestResult,
  type InboundPage,
  type StageTimings,
} from '../src/modules/conversations/ingestion/pipeline.ts';
import { GROUP_BOUNDS } from '../src/modules/conversations/ingestion/ingest-queue.ts';
import { newId } from '../src/platform/ids.ts';
import { createStorageFixture } from '../test/factories.ts';
import { createTestApp } from '../test/test-app.ts';
import type { TestDialect } from '../test/databases.ts';
import { generateInbound } from './ingest-data.ts';
import { configureRules } from './ingest-rules.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const PAGE = Number(process.env.BENCH_PAGE ?? 100); // one mentions page
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));

interface IngestRun {
  postsPerSecond: number;
  timings: StageTimings;
  ruleEffects: number;
}

/**
 * Opened as the desk opens it: SQLite's WAL checkpointed by a thread of its own (decision 0014);
 * BENCH_CHECKPOINTER=0 checkpoints in the writer's commits instead, to compare.
 */
const DESK_OPEN =
  process.env.BENCH_CHECKPOINTER === '0'
    ? {}
    : { backgroundCheckpoint: { onError: (error: Error) => process.stderr.write(`checkpoint: ${error.message}\n`) } };

type Mode = 'sequential' | 'burst';

async function ingestAll(mode: Mode, deps: IngestDeps, pages: InboundPage[]): Promise<IngestResult[]> {
  if (mode === 'burst') return Promise.all(pages.map((page) => ingestPage(deps, page)));
  const results: IngestResult[] = [];
  for (const page of pages) results.push(await ingestPage(deps, page));
  return results;
}

async function ingestRun(dialect: TestDialect, mode: Mode): Promise<IngestRun> {
  const f = await createStorageFixture(dialect, DESK_OPEN);
  try {
    await configureRules(f);
    const items = generateInbound(POSTS);
    const timings: StageTimings = new Map();
    const pages: InboundPage[] = [];
    for (let i = 0; i < items.length; i += PAGE) {
      const page = items.slice(i, i + PAGE);
      pages.push({ channel: f.channel, feed: 'mentions', items: page, nextCursor: page[page.length - 1]!.externalId });
    }
    const started = performance.now();
    const results = await ingestAll(mode, { db: f.database.db, clock: f.clock, timings }, pages);
    const seconds = (performance.now() - started) / 1000;
    const failing = results.flatMap((r) => r.failingRules);
    if (failing.length > 0) throw new Error(`rules failed: ${JSON.stringify(failing)}`);
    const ruleEffects = results.reduce((sum, r) => sum + r.ruleEffects, 0);
    const stored = await f.database.db
      .selectFrom('messages')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== POSTS) throw new Error(`stored ${stored.n} of ${POSTS}`);
    return { postsPerSecond: POSTS / seconds, timings, ruleEffects };
  } finally {
    await f.close();
  }
}

/** The same message rows, inserted 500 at a time into a copy of the messages table without constraints. */
async function rawRun(dialect: TestDialect): Promise<number> {
  const f = await createStorageFixture(dialect);
  try {
    const db = f.database.db;
    if (dialect === 'sqlite') await sql`create table raw_messages as select * from messages where 0`.execute(db);
    else await sql`create table raw_messages (like messages)`.execute(db);
    const now = Date.now();
    const rows = generateInbound(POSTS).map((item) => ({
      id: newId(now),
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      conversation_id: item.conversationExternalId,
      direction: 'inbound',
      visibility: item.visibility,
      kind: item.kind,
      external_id: item.externalId,
      in_reply_to_external_id: item.inReplyToExternalId ?? null,
      in_reply_to_message_id: null,
      author_identity_id: item.author.externalId,
      author_agent_id: null,
      text: item.text,
      lang: item.lang ?? null,
      url: item.url ?? null,
      created_at: item.createdAt.getTime(),
      recorded_at: now,
      delivery_status: null,
      delivery_error: null,
      delivery_attempts: 0,
      idempotency_key: null,
      raw: JSON.stringify(item.raw),
    }));
    const raw = db as unknown as Kysely<{ raw_messages: (typeof rows)[number] }>;
    const started = performance.now();
    await raw.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto('raw_messages')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await f.close();
  }
}

/** Microseconds per post in each stage, and its share of the run, as printed and put in the JSON line. */
function stageTable(run: IngestRun) {
  const total = [...run.timings].filter(([k]) => !k.includes(' › ')).reduce((a, [, ms]) => a + ms, 0);
  // Steps inside a stage (`store › messages`) come right after it.
  const names = [
    'begin',
    ...STAGES.flatMap((s) => [s.name, ...[...run.timings.keys()].filter((k) => k.startsWith(`${s.name} › `)).sort()]),
    'commit',
  ];
  return names.map((name) => {
    const ms = run.timings.get(name) ?? 0;
    return { stage: name, usPerPost: Number(((ms * 1000) / POSTS).toFixed(1)), share: Number((ms / total).toFixed(3)) };
  });
}

/** One mode's line and stage table; `rawRowsPerSecond` is the same run's raw insert. */
function report(dialect: TestDialect, mode: Mode, runs: IngestRun[], rawRowsPerSecond: number) {
  const ingest = runs.map((r) => r.postsPerSecond);
  const postsPerSecond = Math.round(median(ingest));
  const ratio = Number((postsPerSecond / rawRowsPerSecond).toFixed(3));
  const medianRun = [...runs].sort((a, b) => a.postsPerSecond - b.postsPerSecond)[Math.floor(runs.length / 2)]!;
  const stages = stageTable(medianRun);
  console.log(
    `${dialect.padEnd(8)} ${mode.padEnd(10)} pipeline with rules ${postsPerSecond} posts/s ` +
      `(runs: ${ingest.map(Math.round).join(', ')}) · ratio to raw insert ${ratio} · ` +
      `${medianRun.ruleEffects} rule effects · load ${loadAverage().join(' ')}`,
  );
  for (const s of stages) {
    // A step inside a stage is indented under it; its share is of the whole page, like the stages'.
    const label = s.stage.includes(' › ') ? `    ${s.stage.split(' › ')[1]}` : s.stage;
    console.log(
      `  ${label.padEnd(30)} ${String(s.usPerPost).padStart(7)} µs/post  ${(s.share * 100).toFixed(1).padStart(5)} %`,
    );
  }
  return { postsPerSecond, ratio, ruleEffects: medianRun.ruleEffects, stages };
}

async function benchDialect(dialect: TestDialect) {
  const sequential: IngestRun[] = [];
  const burst: IngestRun[] = [];
  const raw: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    sequential.push(await ingestRun(dialect, 'sequential'));
    burst.push(await ingestRun(dialect, 'burst'));
    raw.push(await rawRun(dialect));
  }
  const rawRowsPerSecond = Math.round(median(raw));
  console.log(
    `${dialect.padEnd(8)} raw batched insert ${rawRowsPerSecond} rows/s (runs: ${raw.map(Math.round).join(', ')})`,
  );
  return {
    ...report(dialect, 'sequential', sequential, rawRowsPerSecond),
    rawRowsPerSecond,
    burst: report(dialect, 'burst', burst, rawRowsPerSecond),
  };
}

/**
 * Latency from a post on the sandbox to the desk's realtime event for it, through the filtered stream: the
 * whole desk in this process (SQLite), the sandbox over HTTP, one post at a time.
 */
async function streamToEvent(samples: number) {
  const app = await createTestApp({ env: { GUICHET_STREAMING: 'true', GUICHET_POLL_INTERVAL: '3600' } });
  try {
    let waiting: ((at: number) => void) | undefined;
    app.deps.realtime.subscribe(app.deps.bootstrap.workspaceId, (event) => {
      if (event.type === 'case.changed') waiting?.(performance.now());
    });
    await app.scheduler.tick();
    app.worker.start();
    const sandbox = app.deps.sandbox!.instance;
    // Wait until the stream job holds its connection (a warm-up post comes through it).
    const warmUp = sandbox.ensureUser({ username: 'warm_up', name: 'Warm Up' }).user.id;
    const latencies: number[] = [];
    for (let i = -5; i < samples; i += 1) {
      const author = i < 0 ? warmUp : sandbox.ensureUser({ username: `bench_${i}`, name: `Bench ${i}` }).user.id;
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no realtime event within 10 s')), 10_000);
        waiting = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
      const postedAt = performance.now();
      sandbox.post(author, { text: `@acme_sav latency probe ${i}` });
      const at = await arrived.catch((error: Error) => {
        if (i < 0) return Number.NaN; // the stream may still be connecting during warm-up
        throw error;
      });
      waiting = undefined;
      if (i >= 0) latencies.push(at - postedAt);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number) =>
      Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1));
    return { p50: pct(50), p99: pct(99) };
  } finally {
    await app.worker.stop();
    await app.close();
  }
}

console.log(
  `${POSTS} posts per run in pages of ${PAGE}, median of ${RUNS} runs, fresh database each run; burst: all pages ` +
    `at once, up to ${GROUP_BOUNDS.pages} pages or ${GROUP_BOUNDS.items} posts per transaction; load average ${loadAverage().join(' ')} on ${os.cpus().length} cores`,
);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const sqlite = dialects.includes('sqlite') ? await benchDialect('sqlite') : null;
const postgres = dialects.includes('postgres') ? await benchDialect('postgres') : null;
const samples = Number(process.env.BENCH_STREAM_SAMPLES ?? 200);
const streamToEventMs = samples > 0 ? await streamToEvent(samples) : null;
if (streamToEventMs)
  console.log(
    `stream → realtime event, ${samples} posts one at a time: p50 ${streamToEventMs.p50} ms, p99 ${streamToEventMs.p99} ms`,
  );
console.log(JSON.stringify({ sqlite, postgres, streamToEventMs, loadAverage: loadAverage() }));
