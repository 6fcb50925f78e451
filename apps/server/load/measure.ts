import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import type { AgentCrowd, ReplyLedger } from './agents.ts';
import type { DeskProcess } from './processes.ts';
import type { OfferedPost as Offered } from './sandbox-process.ts';
import {
  everyNth,
  percentiles,
  postToSocketLatencies,
  round,
  sustained,
  type StoredPost,
  type Window,
} from './report.ts';
import type { LoadOptions } from './setup.ts';

export interface RunFacts {
  db: Db;
  options: LoadOptions;
  offered: Offered[];
  dmRefused: number;
  sandboxRssMiB: number;
  windows: Window[];
  crowd: AgentCrowd;
  ledger: ReplyLedger;
  desks: DeskProcess[];
  started: number;
  endAt: number;
  killedAt: number | undefined;
  drained: boolean;
  drainSeconds: number;
  cpu: Record<string, number>;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Every posted id stored, and how many stored more than once (0 expected); the posts never stored. */
async function storedOnce(
  db: Db,
  offered: Offered[],
): Promise<{ missing: number; duplicated: number; lost: Offered[] }> {
  const duplicated = await sql<{ n: number }>`
    select count(*) as n from (
      select external_id from messages where direction = 'inbound' group by channel_id, external_id having count(*) > 1
    ) d`.execute(db);
  const found = new Set<string>();
  for (let i = 0; i < offered.length; i += 5000) {
    const ids = offered.slice(i, i + 5000).map((o) => o.id);
    const rows = await sql<{ external_id: string }>`
      select distinct external_id from messages where direction = 'inbound' and external_id in (${sql.join(ids)})`.execute(
      db,
    );
    for (const row of rows.rows) found.add(row.external_id);
  }
  const lost = offered.filter((o) => !found.has(o.id));
  return { missing: lost.length, duplicated: Number(duplicated.rows[0]!.n), lost };
}

/** Which posts were never stored: DMs or mentions, and when in the run they were posted (seconds). */
function describeLost(lost: Offered[], started: number) {
  if (lost.length === 0) return null;
  const seconds = lost.map((o) => round((o.at - started) / 1000));
  return {
    dms: lost.filter((o) => o.dm).length,
    mentions: lost.filter((o) => !o.dm).length,
    postedFromSecond: Math.min(...seconds),
    postedToSecond: Math.max(...seconds),
  };
}

/** Where a sample of the posts went (case) and when the desk stored them. */
async function storedPosts(db: Db, sample: Offered[]): Promise<StoredPost[]> {
  const postedAt = new Map(sample.map((o) => [o.id, o.at]));
  const posts: StoredPost[] = [];
  for (let i = 0; i < sample.length; i += 2000) {
    const ids = sample.slice(i, i + 2000).map((o) => o.id);
    const rows = await db
      .selectFrom('messages')
      .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
      .select([
        'messages.external_id as id',
        'messages.recorded_at as recordedAt',
        'case_conversations.case_id as caseId',
      ])
      .where('messages.direction', '=', 'inbound')
      .where('messages.external_id', 'in', ids)
      .execute();
    for (const row of rows)
      posts.push({ postedAt: postedAt.get(row.id!)!, caseId: row.caseId, recordedAt: Number(row.recordedAt) });
  }
  return posts;
}

type Percentiles = ReturnType<typeof percentiles>;

/** Every figure of a run, computed once, then printed and returned. */
interface Figures {
  missing: number;
  duplicated: number;
  lostPosts: ReturnType<typeof describeLost>;
  rate: ReturnType<typeof sustained>;
  offeredRate: number;
  storeLatency: Percentiles;
  socketLatency: Percentiles;
  replies: ReturnType<typeof replyFigures>;
  socketsOpen: number;
  reconnected: number;
  processes: ReturnType<typeof processFigures>;
  ok: boolean;
}

/** Replies: accepted by the desk, then seen on X once, never twice, and how long that took. */
function replyFigures(f: RunFacts) {
  const submitted = [...f.ledger.submitted.entries()];
  const deliveries = submitted.map(([token, at]) => ({ token, at, seen: f.ledger.delivered.get(token) }));
  return {
    accepted: submitted.length,
    latency: percentiles(deliveries.filter((d) => d.seen).map((d) => d.seen!.at - d.at)),
    missing: deliveries.filter((d) => !d.seen).length,
    duplicated: deliveries.filter((d) => d.seen && d.seen.count > 1).length,
  };
}

function processFigures(f: RunFacts) {
  return Object.fromEntries(
    f.desks.map((d) => [
      d.name,
      {
        peakRssMiB: Math.round(d.peakRssMiB),
        cpuSeconds: round(f.cpu[d.name] ?? 0),
        errorLogLines: d.errorLines,
        warnLogLines: d.warnLines,
        restarts: d.restarts,
      },
    ]),
  );
}

async function computeFigures(f: RunFacts): Promise<Figures> {
  const { missing, duplicated, lost } = await storedOnce(f.db, f.offered);
  const sample = everyNth(f.offered, Math.ceil(f.offered.length / 20_000));
  const posts = await storedPosts(f.db, sample);
  const replies = replyFigures(f);
  const socketsOpen = f.crowd.agents.filter((a) => a.open).length;
  return {
    missing,
    duplicated,
    lostPosts: describeLost(lost, f.started),
    rate: sustained(f.windows),
    offeredRate: f.offered.length / ((f.endAt - f.started) / 1000),
    storeLatency: percentiles(posts.map((p) => p.recordedAt - p.postedAt)),
    socketLatency: percentiles(postToSocketLatencies(posts, f.crowd.agents)),
    replies,
    socketsOpen,
    reconnected: f.crowd.agents.filter((a) => a.reconnects > 0).length,
    processes: processFigures(f),
    ok:
      missing === 0 &&
      duplicated === 0 &&
      replies.missing === 0 &&
      replies.duplicated === 0 &&
      socketsOpen === f.crowd.agents.length,
  };
}

function printFigures(f: RunFacts, g: Figures): void {
  const { rate, storeLatency, socketLatency, replies } = g;
  say('');
  say(
    `Offered ${round(g.offeredRate)} posts/s (${f.offered.length} posts, ${f.offered.filter((o) => o.dm).length} DMs; ${f.dmRefused} refused by the sandbox)`,
  );
  say(
    `Sustained ingestion ${round(rate.rate)} posts/s; backlog ${rate.backlogStart} → ${rate.backlogEnd} over the second half (${rate.growing ? 'GROWING' : 'steady'}); drained in ${round(f.drainSeconds)} s after the end${f.drained ? '' : ' (NOT drained)'}`,
  );
  say(
    `Post → stored (recorded_at − posted): p50 ${storeLatency.p50} ms, p95 ${storeLatency.p95} ms, p99 ${storeLatency.p99} ms`,
  );
  say(
    `Post → agent socket (${socketLatency.samples} samples, 20 logging sockets): p50 ${socketLatency.p50} ms, p95 ${socketLatency.p95} ms, p99 ${socketLatency.p99} ms, max ${socketLatency.max} ms`,
  );
  say(
    `Replies: ${replies.accepted} accepted, ${f.ledger.refused} refused ${JSON.stringify(f.ledger.refusals)}, delivery p50 ${replies.latency.p50} ms, p95 ${replies.latency.p95} ms, p99 ${replies.latency.p99} ms; ${replies.missing} not on X, ${replies.duplicated} on X twice`,
  );
  say(
    `Errors: ${f.ledger.httpErrors} failed reply requests (${f.ledger.retried} retries), ${f.crowd.socketErrors} socket errors, error log lines ${JSON.stringify(Object.fromEntries(f.desks.map((d) => [d.name, d.errorLines])))}`,
  );
  say(
    `Sockets: ${g.socketsOpen}/${f.crowd.agents.length} open at the end, ${g.reconnected} reconnected at least once; events received per socket ≈ ${Math.round(f.crowd.agents.reduce((s, a) => s + a.events, 0) / f.crowd.agents.length)}`,
  );
  say(
    `Posts stored once: ${g.missing} missing${g.lostPosts ? ` (${JSON.stringify(g.lostPosts)})` : ''}, ${g.duplicated} stored twice`,
  );
  printProcesses(f, g);
  say(g.ok ? 'All checks passed.' : 'SOME CHECKS FAILED.');
}

function printProcesses(f: RunFacts, g: Figures): void {
  for (const [name, p] of Object.entries(g.processes))
    say(
      `  ${name}: peak RSS ${p.peakRssMiB} MiB, CPU ${p.cpuSeconds} s, ${p.errorLogLines} error / ${p.warnLogLines} warning lines, ${p.restarts} restart(s)`,
    );
  for (const [name, seconds] of Object.entries(f.cpu))
    if (!(name in g.processes)) say(`  ${name}: CPU ${round(seconds)} s`);
  for (const desk of f.desks)
    if (desk.errorLines + desk.warnLines > 0)
      say(`  last lines of ${desk.name}: ${desk.lastLines.slice(-3).join(' | ').slice(0, 800)}`);
}

/** The JSON line's object. */
function figuresRecord(f: RunFacts, g: Figures): Record<string, unknown> {
  const { rate, replies } = g;
  return {
    ok: g.ok,
    offeredPostsPerSecond: round(g.offeredRate),
    sustainedPostsPerSecond: round(rate.rate),
    backlogGrowing: rate.growing,
    backlog: { halfway: rate.backlogStart, end: rate.backlogEnd },
    drained: f.drained,
    drainSeconds: round(f.drainSeconds),
    posts: {
      offered: f.offered.length,
      missing: g.missing,
      duplicated: g.duplicated,
      ...(g.lostPosts ? { lost: g.lostPosts } : {}),
    },
    postToStoredMs: g.storeLatency,
    postToSocketMs: g.socketLatency,
    replies: {
      accepted: replies.accepted,
      refused: f.ledger.refused,
      refusals: f.ledger.refusals,
      missing: replies.missing,
      duplicated: replies.duplicated,
      deliveryMs: replies.latency,
    },
    errors: {
      replyRequests: f.ledger.httpErrors,
      socket: f.crowd.socketErrors,
      logLines: Object.fromEntries(f.desks.map((d) => [d.name, d.errorLines])),
    },
    sockets: { agents: f.crowd.agents.length, openAtEnd: g.socketsOpen, reconnected: g.reconnected },
    killedAtSecond: f.killedAt === undefined ? null : round((f.killedAt - f.started) / 1000),
    processes: g.processes,
    cpuSeconds: Object.fromEntries(Object.entries(f.cpu).map(([k, v]) => [k, round(v)])),
    options: f.options,
  };
}

/** Checks and figures of the run; prints them, and returns the object the last line carries. */
export async function measure(f: RunFacts): Promise<Record<string, unknown>> {
  const figures = await computeFigures(f);
  printFigures(f, figures);
  return figuresRecord(f, figures);
}
