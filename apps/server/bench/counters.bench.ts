/**
 * node --import tsx apps/server/bench/counters.bench.ts — what the counts-per-view triggers (migration 0021)
 * cost the writers: the same writes to `cases` timed with the triggers and without them (dropped), in the
 * shapes ingestion and the workflow use: multi-row inserts of new cases (500 per statement), one status
 * change per statement (a reopen, an assignment), and activity updates that change no counted column.
 * Rounds alternate with and without (BENCH_ROUNDS, default 5, of BENCH_ROWS cases, default 5,000); prints
 * the median time per row of each kind, with and without, and the difference. BENCH_DIALECT=postgres runs it
 * on PostgreSQL.
 */
import os from 'node:os';
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database } from '../src/platform/db/schema.ts';
import type { TestDialect } from '../test/databases.ts';
import { createTestApp } from '../test/test-app.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000);
const DIALECT: TestDialect = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const COUNTER_TRIGGERS =
  DIALECT === 'postgres'
    ? ['cases_counts_insert', 'cases_counts_delete', 'cases_counts_update']
    : ['cases_counts_insert', 'cases_counts_delete', 'cases_view_counts_update', 'cases_due_counts_update'];

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** One round of writes; returns the milliseconds of each kind. */
async function writes(db: Kysely<Database>, workspaceId: string, channelId: string, agentId: string, round: string) {
  const at = Date.parse('2026-01-01T00:00:00Z');
  const ids = Array.from({ length: ROWS }, (_, i) => `${round}${String(i).padStart(7, '0')}`);
  const insert = await timed(async () => {
    for (let from = 0; from < ROWS; from += BATCH) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('cases')
          .values(
            ids.slice(from, from + BATCH).map((id, i) => ({
              id,
              workspace_id: workspaceId,
              channel_id: channelId,
              contact_id: `ct${String(from + i).padStart(7, '0')}`,
              status: 'open' as const,
              priority: 2,
              assignee_agent_id: null,
              team_id: null,
              preview: 'help please',
              message_count: 1,
              opened_at: at + from + i,
              last_message_at: at + from + i,
              last_inbound_at: at + from + i,
              first_response_at: null,
              resolved_at: null,
              updated_at: at,
              snoozed_until: null,
              snooze_reminder: null,
              type: 'question' as const,
              priority_reason: null,
              sla_priority: null,
            })),
          )
          .execute();
      });
    }
  });
  const perStatement = async (set: (i: number) => Updateable<Database['cases']>) =>
    timed(async () => {
      for (let from = 0; from < ROWS; from += BATCH) {
        await db.transaction().execute(async (tx) => {
          for (let i = from; i < Math.min(ROWS, from + BATCH); i++) {
            await tx.updateTable('cases').set(set(i)).where('id', '=', ids[i]!).execute();
          }
        });
      }
    });
  const activity = await perStatement((i) => ({ last_message_at: at + ROWS + i, message_count: 2 }));
  const assign = await perStatement(() => ({ assignee_agent_id: agentId }));
  const resolve = await perStatement(() => ({ status: 'resolved' as const }));
  const remove = await timed(async () => {
    for (let from = 0; from < ROWS; from += BATCH) {
      await db
        .deleteFrom('cases')
        .where('id', 'in', ids.slice(from, from + BATCH))
        .execute();
    }
  });
  return { insert, activity, assign, resolve, remove };
}

async function main() {
  const app = await createTestApp({ dialect: DIALECT });
  try {
    const db = app.deps.db;
    const workspaceId = (await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    const channelId = (await db.selectFrom('channels').select('id').executeTakeFirstOrThrow()).id;
    const agentId = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    for (let from = 0; from < ROWS; from += BATCH) {
      await db
        .insertInto('contacts')
        .values(
          Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, i) => ({
            id: `ct${String(from + i).padStart(7, '0')}`,
            workspace_id: workspaceId,
            name: `Client ${from + i}`,
            created_at: 0,
            updated_at: 0,
          })),
        )
        .execute();
    }
    const triggers = await sql<{ name: string; definition: string }>`${
      DIALECT === 'postgres'
        ? sql`select tgname as name, pg_get_triggerdef(oid) as definition from pg_trigger
            where tgrelid = 'cases'::regclass and tgname in (${sql.join(COUNTER_TRIGGERS)})`
        : sql`select name, sql as definition from sqlite_master where type = 'trigger'
            and name in (${sql.join(COUNTER_TRIGGERS)})`
    }`.execute(db);
    if (triggers.rows.length !== COUNTER_TRIGGERS.length) throw new Error('the counters triggers are not all there');
    const drop = async () => {
      for (const { name } of triggers.rows) {
        await sql.raw(DIALECT === 'postgres' ? `drop trigger ${name} on cases` : `drop trigger ${name}`).execute(db);
      }
    };
    const restore = async () => {
      for (const { definition } of triggers.rows) await sql.raw(definition).execute(db);
    };
    // A warm-up round, then rounds alternating with and without the triggers, so that a busy machine's
    // slow spells fall on both sides; the median round of each side is compared.
    await writes(db, workspaceId, channelId, agentId, 'w');
    const withTriggers: Awaited<ReturnType<typeof writes>>[] = [];
    const without: Awaited<ReturnType<typeof writes>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      withTriggers.push(await writes(db, workspaceId, channelId, agentId, `a${round}-`));
      await drop();
      without.push(await writes(db, workspaceId, channelId, agentId, `b${round}-`));
      await restore();
    }
    const perRow = (ms: number) => Math.round((ms / ROWS) * 1000 * 100) / 100;
    const report: Record<string, { withUs: number; withoutUs: number; triggerUs: number }> = {};
    for (const kind of ['insert', 'activity', 'assign', 'resolve', 'remove'] as const) {
      const a = median(withTriggers.map((r) => r[kind]));
      const b = median(without.map((r) => r[kind]));
      report[kind] = { withUs: perRow(a), withoutUs: perRow(b), triggerUs: perRow(a - b) };
      process.stdout.write(
        `${kind.padEnd(9)} with triggers ${String(perRow(a)).padStart(7)} µs/row   without ${String(perRow(b)).padStart(7)} µs/row   trigger cost ${String(perRow(a - b)).padStart(6)} µs/row\n`,
      );
    }
    const loadAverage = os.loadavg().map((n) => Math.round(n * 100) / 100);
    process.stdout.write(`load average: ${loadAverage.join(', ')}\n`);
    process.stdout.write(
      `${JSON.stringify({ bench: 'counters', dialect: DIALECT, rows: ROWS, loadAverage, report })}\n`,
    );
  } finally {
    await app.close();
  }
}

await main();
