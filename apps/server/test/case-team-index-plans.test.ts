import { CompiledQuery } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyFilters,
  casePageQuery,
  planCaseFilters,
  priorityRank,
  type CaseListOptions,
} from '../src/modules/cases/cases.filters.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';

/**
 * Migration 0032 keeps the two team indexes on `cases` partial (`where team_id is not null`): the team
 * filter (`team_id = ?`, which implies not null) must still be able to read them, in both sorts.
 */
describe.each(TEST_DIALECTS)('the team filter reads the partial team indexes (%s)', (dialect) => {
  let f: StorageFixture;
  afterEach(async () => {
    await f.close();
  });

  async function planOf(sort: CaseListOptions['sort']): Promise<string> {
    const db = f.database.db;
    const options: CaseListOptions = { view: 'all', teamId: 'team-1', sort, limit: 50, dialect };
    const filters = await planCaseFilters(db, f.workspaceId, options);
    let q = applyFilters(casePageQuery(db, f.workspaceId, filters, dialect), f.workspaceId, options, filters);
    q =
      sort === 'newest'
        ? q.orderBy('cases.last_message_at', 'desc').orderBy('cases.id', 'desc')
        : q.orderBy(priorityRank).orderBy('cases.opened_at', 'asc').orderBy('cases.id', 'asc');
    const compiled = q.limit(50).compile();
    const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain (costs off) ';
    // An empty table costs every plan alike on PostgreSQL: without sequential scans, the indexes compete.
    return db.transaction().execute(async (tx) => {
      if (dialect === 'postgres') await tx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
      const { rows } = await tx.executeQuery(CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]));
      return rows.map((row) => Object.values(row as object).join(' ')).join('\n');
    });
  }

  it('newest first from cases_team_recent_idx, by priority from cases_queue_team_idx', async () => {
    f = await createStorageFixture(dialect);
    expect(await planOf('newest')).toMatch(/cases_team_recent_idx/);
    expect(await planOf('priority')).toMatch(/cases_queue_team_idx/);
  });
});
