import { afterEach, describe, expect, it } from 'vitest';
import { slaBreachingSoonMs } from '@guichet/contracts';
import { sql, type Kysely } from 'kysely';
import { countSlaViewCases, countViews } from '../src/modules/cases/cases.counters.ts';
import { planCaseSearch } from '../src/modules/cases/cases.search.ts';
import { migrations } from '../src/migrations/registry.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { TEST_DIALECTS, createTestDatabase, type TestDatabase } from './databases.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-02T10:30:00Z');

/**
 * Migration 0021 on a desk that already has cases: it fills each case's earliest SLA due time, counts the
 * existing cases into the new counters (equal to a direct count), and on SQLite moves people's search keys
 * below zero without losing a name or a handle to search.
 */
describe.each(TEST_DIALECTS)('inbox counters migration (%s)', (dialect) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  afterEach(async () => {
    await handle.close();
    await database.drop();
  });

  /** Applies every migration before `name` (as `migrateToLatest` would), and returns that one. */
  async function migrateUntil(name: string) {
    for (const migration of migrations) {
      if (migration.name === name) return migration;
      await handle.db.transaction().execute((tx) => migration.up(tx as unknown as Kysely<unknown>));
    }
    throw new Error(`no migration ${name}`);
  }

  it('counts existing cases and keeps every name and handle searchable', async () => {
    database = await createTestDatabase(dialect);
    handle = await openDatabase(database.config);
    const db = handle.db;
    const migration0021 = await migrateUntil('0021-inbox-counters');
    const at = NOW - 10 * HOUR;
    await db.insertInto('workspaces').values({ id: 'w1', name: 'Acme', settings: '{}', created_at: at }).execute();
    await db
      .insertInto('channels')
      .values({
        id: 'ch1',
        workspace_id: 'w1',
        network: 'x',
        name: 'Acme',
        handle: 'acme_sav',
        external_account_id: null,
        settings: '{}',
        credentials: null,
        status: 'active',
        status_detail: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const people = ['Camille Durand', 'John Smith', 'Zoé École', 'Ana Lima'];
    const statuses = ['open', 'pending', 'snoozed', 'resolved'] as const;
    for (const [i, name] of people.entries()) {
      await db
        .insertInto('contacts')
        .values({ id: `ct${i}`, workspace_id: 'w1', name, created_at: at, updated_at: at })
        .execute();
      await db
        .insertInto('identities')
        .values({
          id: `id${i}`,
          workspace_id: 'w1',
          contact_id: `ct${i}`,
          network: 'x',
          external_id: `9${i}`,
          handle: `${name.split(' ')[0]!.toLowerCase()}_${i}`,
          name,
          avatar_url: null,
          description: null,
          followers_count: 1,
          verified: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('cases')
        .values({
          id: `cs${i}`,
          workspace_id: 'w1',
          channel_id: 'ch1',
          contact_id: `ct${i}`,
          status: statuses[i]!,
          priority: 2,
          assignee_agent_id: null,
          team_id: null,
          preview: 'help',
          message_count: 1,
          opened_at: at + i,
          last_message_at: at + i,
          last_inbound_at: at + i,
          first_response_at: null,
          resolved_at: null,
          updated_at: at,
          snoozed_until: null,
          snooze_reminder: null,
          type: 'question',
          priority_reason: null,
          sla_priority: null,
        })
        .execute();
    }
    // Clocks: breached two hours ago, due in ten minutes, stopped, and a breached one on a resolved case.
    const clocks: [string, number, number | null][] = [
      ['cs0', NOW - 2 * HOUR, null],
      ['cs0', NOW + 10 * 60_000, null],
      ['cs1', NOW - HOUR, null],
      ['cs2', NOW + 5 * 60_000, NOW - HOUR],
      ['cs3', NOW - 3 * HOUR, null],
    ];
    await db
      .insertInto('sla_clocks')
      .values(
        clocks.map(([caseId, dueAt, stoppedAt], i) => ({
          id: `sc${i}`,
          workspace_id: 'w1',
          case_id: caseId,
          metric: i === 1 ? ('resolution' as const) : ('first_response' as const),
          priority: 2,
          target_ms: HOUR,
          business_hours: 0,
          pause_when_pending: 0,
          pause_during_absence: 0,
          started_at: at,
          due_at: dueAt,
          paused_at: null,
          remaining_ms: null,
          stopped_at: stoppedAt,
          breached_at: null,
          updated_at: at,
        })),
      )
      .execute();

    await db.transaction().execute((tx) => migration0021.up(tx as unknown as Kysely<unknown>));

    const dueOf = await db.selectFrom('cases').select(['id', 'sla_due_at']).orderBy('id').execute();
    expect(dueOf.map((row) => row.sla_due_at)).toEqual([NOW - 2 * HOUR, NOW - HOUR, null, NOW - 3 * HOUR]);
    expect(await countViews(db, 'w1', 'nobody')).toEqual({ mine: 0, unassigned: 2, all: 3, snoozed: 1, resolved: 1 });
    expect(await countSlaViewCases(db, 'w1', NOW)).toEqual({ breaching_soon: 1, breached: 2 });
    expect(await countSlaViewCases(db, 'w1', NOW - 90 * 60_000)).toEqual({ breaching_soon: 1, breached: 1 });
    expect(await countSlaViewCases(db, 'w1', NOW + slaBreachingSoonMs)).toMatchObject({ breached: 2 });

    for (const [i, name] of people.entries()) {
      const byName = await planCaseSearch(db, dialect, name.split(' ')[0]!);
      expect(byName.candidates.contacts, name).toContain(`ct${i}`);
      const byHandle = await planCaseSearch(db, dialect, `${name.split(' ')[0]!.toLowerCase()}_${i}`);
      expect(byHandle.candidates.identities, name).toContain(`id${i}`);
    }
    if (dialect === 'sqlite') {
      const keys = await sql<{ source: string; low: number; high: number }>`select source, min(rowid) as low,
        max(rowid) as high from text_search_keys group by source order by source`.execute(db);
      expect(keys.rows).toEqual([
        { source: 'contact', low: expect.any(Number), high: expect.any(Number) },
        { source: 'identity', low: expect.any(Number), high: expect.any(Number) },
      ]);
      expect(Math.max(...keys.rows.map((row) => row.high))).toBeLessThan(0);
      // Keys given after the migration: people below zero, messages from zero up.
      await db
        .insertInto('contacts')
        .values({ id: 'ct9', workspace_id: 'w1', name: 'Nina Kowalska', created_at: NOW, updated_at: NOW })
        .execute();
      expect((await planCaseSearch(db, dialect, 'kowalska')).candidates.contacts).toEqual(['ct9']);
      const newKey = await sql<{ k: number }>`select rowid as k from text_search_keys where source_id = 'ct9'`.execute(
        db,
      );
      expect(newKey.rows[0]!.k).toBeLessThan(Math.min(...keys.rows.map((row) => row.low)));
    }
  });
});
