import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import { migration0001Core } from './list/0001-core.ts';
import { migration0003ChannelUsageAndSearches } from './list/0003-channel-usage-and-searches.ts';
import { migration0002Console } from './list/0002-console.ts';
import { migration0004Triage } from './list/0004-triage.ts';
import { migration0005Sla } from './list/0005-sla.ts';
import { migration0006Reports } from './list/0006-reports.ts';
import { migration0008Approvals } from './list/0008-approvals.ts';
import { migration0009InboxSearch } from './list/0009-inbox-search.ts';
import { migration0010TriageLearning } from './list/0010-triage-learning.ts';
import { migration0011AbsenceGreetings } from './list/0011-absence-greetings.ts';
import { migration0012ScheduledPosts } from './list/0012-scheduled-posts.ts';
import { migration0013Incidents } from './list/0013-incidents.ts';
import { migration0014ReportRollups } from './list/0014-report-rollups.ts';
import { migration0015CaseFilters } from './list/0015-case-filters.ts';
import { migration0016AuditLog } from './list/0016-audit-log.ts';
import { migration0017ApiTokens } from './list/0017-api-tokens.ts';
import { migration0018TeamAdministration } from './list/0018-team-administration.ts';
import { migration0019OutgoingWebhooks } from './list/0019-outgoing-webhooks.ts';
import { migration0020IngestionPipeline } from './list/0020-ingestion-pipeline.ts';
import { migration0021InboxCounters } from './list/0021-inbox-counters.ts';
import { migration0022MessageAttachments } from './list/0022-message-attachments.ts';
import { migration0023OutgoingMedia } from './list/0023-outgoing-media.ts';
import { migration0024Leases } from './list/0024-leases.ts';
import { migration0025ChannelActivity } from './list/0025-channel-activity.ts';
import { migration0027CaseStructure } from './list/0027-case-structure.ts';
import { migration0028MacrosInbox } from './list/0028-macros-inbox.ts';
import { migration0029TriageSelfLearning } from './list/0029-triage-self-learning.ts';
import { migration0030IngestionIndexes } from './list/0030-ingestion-indexes.ts';
import { migration0031CaseIndexes } from './list/0031-case-indexes.ts';
import { migration0032CasePartialIndexes } from './list/0032-case-partial-indexes.ts';
import { migration0033EventsCaseCascade } from './list/0033-events-case-cascade.ts';

export interface Migration {
  /** Never renamed once released: it is the key recorded in guichet_migrations. */
  name: string;
  // Migrations see an untyped database: they describe the schema at their point in history.
  up(db: Kysely<unknown>): Promise<void>;
}

/** The explicit, ordered list. Append only. */
export const migrations: Migration[] = [
  migration0001Core,
  migration0002Console,
  migration0003ChannelUsageAndSearches,
  migration0004Triage,
  migration0005Sla,
  migration0006Reports,
  migration0008Approvals,
  migration0009InboxSearch,
  migration0010TriageLearning,
  migration0011AbsenceGreetings,
  migration0012ScheduledPosts,
  migration0013Incidents,
  migration0014ReportRollups,
  migration0015CaseFilters,
  migration0016AuditLog,
  migration0017ApiTokens,
  migration0018TeamAdministration,
  migration0019OutgoingWebhooks,
  migration0020IngestionPipeline,
  migration0021InboxCounters,
  migration0022MessageAttachments,
  migration0023OutgoingMedia,
  migration0024Leases,
  migration0025ChannelActivity,
  migration0027CaseStructure,
  migration0028MacrosInbox,
  migration0029TriageSelfLearning,
  migration0030IngestionIndexes,
  migration0031CaseIndexes,
  migration0032CasePartialIndexes,
  migration0033EventsCaseCascade,
];

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row, so a failure
 * leaves the database at the last good step.
 */
export async function migrateToLatest(db: Kysely<Database>, now: () => number = Date.now): Promise<MigrationReport> {
  const raw = db as unknown as Kysely<any>;
  await raw.schema
    .createTable('guichet_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const done = new Set(
    (await raw.selectFrom('guichet_migrations').select('name').execute()).map((r: { name: string }) => r.name),
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await raw.transaction().execute(async (tx) => {
      await migration.up(tx as unknown as Kysely<unknown>);
      await tx.insertInto('guichet_migrations').values({ name: migration.name, applied_at: now() }).execute();
    });
    applied.push(migration.name);
  }
  return { applied, alreadyApplied: done.size };
}

export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const raw = db as unknown as Kysely<any>;
  const exists = await sql<{ n: number }>`select count(*) as n from guichet_migrations`
    .execute(raw)
    .then(() => true)
    .catch(() => false);
  if (!exists) return migrations.map((m) => m.name);
  const done = new Set(
    (await raw.selectFrom('guichet_migrations').select('name').execute()).map((r: { name: string }) => r.name),
  );
  return migrations.filter((m) => !done.has(m.name)).map((m) => m.name);
}
