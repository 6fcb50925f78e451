/**
 * npm run bench:reports — report queries over 1,000,000 cases on SQLite (target: under 2 s per report).
 * Builds a year of synthetic history (cases with their posts, replies, assignees, triage and reopen
 * events; BENCH_CASES to change the size), then times GET /api/reports' computation for a week, a month,
 * a quarter and the whole year, each with its comparison period. Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import type { Report } from '@guichet/contracts';
import { computeReport } from '../src/modules/reports/reports.queries.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { openDatabase, type Db } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const AGENTS = 25;
const DAY = 86_400_000;
const END = Date.parse('2026-03-01T00:00:00Z');
const START = END - 365 * DAY;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  // BENCH_DB=<file> times the reports on a database kept by an earlier run (BENCH_KEEP_DB=1).
  const reuse = process.env.BENCH_DB;
  const dir = reuse ? path.dirname(reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-reports-'));
  const file = reuse ?? path.join(dir, 'guichet.db');
  const database = await openDatabase({ dialect: 'sqlite', file });
  try {
    if (reuse) {
      await migrateToLatest(database.db, () => END);
      // Timed from scratch: the stored days of an earlier run are dropped.
      await database.db.deleteFrom('report_days').execute();
      await database.db.deleteFrom('report_rollup_state').execute();
      const { id } = await database.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
      await timeReports(database.db, id, CASES, 0);
      return;
    }
    const clock = new ManualClock(new Date(END));
    await migrateToLatest(database.db, () => END);
    const { workspaceId } = await bootstrapWorkspace(
      { db: database.db, clock },
      { email: 'admin@bench.test', password: 'a long enough password' },
    );

    const build = performance.now();
    const raw = new SQLite(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = OFF');
    raw.pragma('cache_size = -400000');
    const channelId = newId(START);
    raw
      .prepare(
        `insert into channels (id, workspace_id, network, name, handle, settings, status, created_at, updated_at)
         values (?, ?, 'x', 'Acme', 'acme_sav', '{}', 'active', ?, ?)`,
      )
      .run(channelId, workspaceId, START, START);
    const agentIds: string[] = [];
    const insertAgent = raw.prepare(
      `insert into agents (id, workspace_id, email, name, role, password_hash, created_at)
       values (?, ?, ?, ?, 'agent', 'x', ?)`,
    );
    for (let i = 0; i < AGENTS; i++) {
      const id = newId(START);
      agentIds.push(id);
      insertAgent.run(id, workspaceId, `agent${i}@bench.test`, `Agent ${i}`, START);
    }
    const contactId = newId(START);
    raw
      .prepare(`insert into contacts (id, workspace_id, name, created_at, updated_at) values (?, ?, 'c', ?, ?)`)
      .run(contactId, workspaceId, START, START);
    const insertConversation = raw.prepare(
      `insert into conversations (id, workspace_id, channel_id, visibility, external_id, created_at)
       values (?, ?, ?, 'public', ?, ?)`,
    );
    const insertCase = raw.prepare(
      `insert into cases (id, workspace_id, channel_id, contact_id, status, priority, type, assignee_agent_id,
         preview, message_count, opened_at, last_message_at, last_inbound_at, first_response_at, resolved_at,
         updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertMessage = raw.prepare(
      `insert into messages (id, workspace_id, channel_id, conversation_id, direction, visibility, kind,
         external_id, author_agent_id, text, lang, created_at, recorded_at, delivery_status, type, sentiment)
       values (?, ?, ?, ?, ?, 'public', 'mention', ?, ?, '', ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = raw.prepare(
      `insert into events (id, workspace_id, type, case_id, actor_type, payload, occurred_at)
       values (?, ?, 'case.reopened', ?, 'system', '{}', ?)`,
    );
    const rnd = random(42);
    const types = ['complaint', 'complaint', 'question', 'question', 'praise', 'other'] as const;
    const sentiments = ['negative', 'neutral', 'positive'] as const;
    const langs = ['fr', 'fr', 'fr', 'en', 'en', 'es'] as const;
    let messages = 0;
    let events = 0;
    // Arrivals spread over the year, busier in the day; inserted in time order, as a desk records them.
    const arrivals = new Float64Array(CASES);
    for (let i = 0; i < CASES; i++) {
      const day = Math.floor(rnd() * 365);
      const hour = Math.min(23, Math.floor(8 + rnd() * 12 + (rnd() - 0.5) * 6));
      arrivals[i] = START + day * DAY + hour * 3_600_000 + Math.floor(rnd() * 3_600_000);
    }
    arrivals.sort();
    const insertAll = raw.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const openedAt = arrivals[i]!;
        const type = types[Math.floor(rnd() * types.length)]!;
        const answered = type === 'praise' ? rnd() < 0.3 : rnd() < 0.85;
        const firstWait = Math.floor(Math.exp(rnd() * 10) * 1000 + rnd() * 600_000);
        const firstResponseAt = answered ? openedAt + firstWait : null;
        const resolved = answered && rnd() < 0.8;
        const resolvedAt = resolved ? firstResponseAt! + Math.floor(rnd() * 2 * DAY) : null;
        const agent = rnd() < 0.9 ? agentIds[Math.floor(rnd() * AGENTS)]! : null;
        const id = newId(openedAt);
        const conversationId = newId(openedAt);
        insertConversation.run(conversationId, workspaceId, channelId, conversationId, openedAt);
        const posts: [number, 'inbound' | 'outbound'][] = [[openedAt, 'inbound']];
        if (firstResponseAt) {
          posts.push([firstResponseAt, 'outbound']);
          if (rnd() < 0.4) {
            const again = firstResponseAt + Math.floor(rnd() * 3_600_000);
            posts.push([again, 'inbound']);
            if (rnd() < 0.8) posts.push([again + Math.floor(rnd() * 7_200_000), 'outbound']);
          }
        }
        const last = posts[posts.length - 1]![0];
        insertCase.run(
          id,
          workspaceId,
          channelId,
          contactId,
          resolved ? 'resolved' : 'open',
          1 + Math.floor(rnd() * 4),
          type,
          agent,
          posts.length,
          openedAt,
          last,
          openedAt,
          firstResponseAt,
          resolvedAt,
          last,
        );
        for (const [at, direction] of posts) {
          const messageId = newId(at);
          insertMessage.run(
            messageId,
            workspaceId,
            channelId,
            conversationId,
            direction,
            messageId,
            direction === 'outbound' ? agent : null,
            direction === 'inbound' ? langs[Math.floor(rnd() * langs.length)]! : null,
            at,
            at,
            direction === 'outbound' ? 'sent' : null,
            direction === 'inbound' ? type : null,
            direction === 'inbound' ? sentiments[Math.floor(rnd() * sentiments.length)]! : null,
          );
          messages += 1;
        }
        if (resolved && rnd() < 0.05) {
          insertEvent.run(newId(resolvedAt!), workspaceId, id, resolvedAt! + 3_600_000);
          events += 1;
        }
      }
    });
    for (let i = 0; i < CASES; i += 50_000) insertAll(i, Math.min(CASES, i + 50_000));
    raw.exec('analyze');
    raw.close();
    const buildSeconds = (performance.now() - build) / 1000;
    console.log(
      `Built ${CASES.toLocaleString('en')} cases, ${messages.toLocaleString('en')} posts, ${events.toLocaleString('en')} reopen events over 365 days in ${buildSeconds.toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`,
    );

    await timeReports(database.db, workspaceId, CASES, messages);
  } finally {
    await database.close();
    if (reuse) {
      // Kept.
    } else if (process.env.BENCH_KEEP_DB) console.log(`Kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The report without its generated-at timing, to compare two ways of computing it. */
const comparable = (report: Report) => JSON.stringify({ ...report, computedInMs: 0 });

async function timeReports(db: Db, workspaceId: string, cases: number, messages: number) {
  const results: Record<
    string,
    { directMs: number; firstMs: number; ms: number; cases: number; previousCases: number; identical: boolean }
  > = {};
  for (const [label, days] of [
    ['week', 7],
    ['month', 30],
    ['quarter', 90],
    ['half-year', 182],
  ] as const) {
    // Local midnights in Paris: partial UTC days at both ends, as the reports screen asks.
    const range = { workspaceId, from: END - days * DAY - 3_600_000, to: END - 3_600_000, timeZone: 'Europe/Paris' };
    // Before: everything from the cases and posts in one pass (what every report did before the roll-ups).
    let started = performance.now();
    const direct = await computeReport(db, { ...range, rollups: false });
    const directMs = Math.round(performance.now() - started);
    // First report over days not stored yet: computes and stores them (the scheduler does this at night).
    started = performance.now();
    await computeReport(db, range);
    const firstMs = Math.round(performance.now() - started);
    const timings: number[] = [];
    let report: Report | undefined;
    for (let run = 0; run < 3; run++) {
      started = performance.now();
      report = await computeReport(db, range);
      timings.push(performance.now() - started);
    }
    const ms = Math.round(timings.sort((a, b) => a - b)[1]!);
    const identical = comparable(report!) === comparable(direct);
    results[label] = {
      directMs,
      firstMs,
      ms,
      cases: report!.current.opened,
      previousCases: report!.previous.opened,
      identical,
    };
    console.log(
      `report ${label.padEnd(9)} (${days} days + the ${days} before, ${report!.current.opened.toLocaleString('en')} + ${report!.previous.opened.toLocaleString('en')} cases): ` +
        `before (direct) ${directMs} ms · first run storing its days ${firstMs} ms · from stored days ${ms} ms (median of 3) · ` +
        `${identical ? 'identical to the direct figures' : 'DIFFERS from the direct figures'}`,
    );
  }
  console.log(JSON.stringify({ bench: 'reports', dialect: 'sqlite', cases, messages, results }));
}

await main();
