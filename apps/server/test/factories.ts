import type { InboundItem } from '@guichet/connectors';
import pino from 'pino';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { openDatabase, type DatabaseHandle, type OpenOptions } from '../src/platform/db/database.ts';
import type { Row } from '../src/platform/db/schema.ts';
import { newId } from '../src/platform/ids.ts';
import { createTestDatabase, type TestDialect } from './databases.ts';

export const BRAND = { externalId: '1400000000000000001', handle: 'acme_sav', name: 'Acme SAV' };
export const CUSTOMER = {
  externalId: '1500000000000000001',
  handle: 'jane_doe',
  name: 'Jane Doe',
  followersCount: 120,
};

export interface StorageFixture {
  database: DatabaseHandle;
  clock: ManualClock;
  workspaceId: string;
  channel: Row<'channels'>;
  close(): Promise<void>;
}

/**
 * A migrated database of the given dialect with one workspace and one X channel, no network. `open`: as the
 * desk opens it (the ingestion bench checkpoints SQLite in the background, as the desk does).
 */
export async function createStorageFixture(dialect: TestDialect, open: OpenOptions = {}): Promise<StorageFixture> {
  const testDb = await createTestDatabase(dialect);
  const database = await openDatabase(testDb.config, open);
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  await migrateToLatest(database.db, () => clock.now().getTime());
  const { workspaceId } = await bootstrapWorkspace(
    { db: database.db, clock },
    { email: 'admin@acme.test', password: 'a long enough password' },
  );
  const now = clock.now().getTime();
  const channel: Row<'channels'> = {
    id: newId(now),
    workspace_id: workspaceId,
    network: 'x',
    name: 'Acme SAV',
    handle: BRAND.handle,
    external_account_id: BRAND.externalId,
    settings: '{}',
    credentials: null,
    status: 'active',
    status_detail: null,
    created_at: now,
    updated_at: now,
  };
  await database.db.insertInto('channels').values(channel).execute();
  return {
    database,
    clock,
    workspaceId,
    channel,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}

let sequence = 0;

/** An inbound public post; ids grow with each call so ordering matches creation like X snowflakes. */
export function inboundPost(overrides: Partial<InboundItem> = {}): InboundItem {
  sequence += 1;
  const externalId = String(2090000000000000000n + BigInt(sequence) * 1000n);
  return {
    kind: 'mention',
    visibility: 'public',
    externalId,
    conversationExternalId: overrides.conversationExternalId ?? externalId,
    author: { ...CUSTOMER },
    text: `@${BRAND.handle} my order never arrived (${sequence})`,
    createdAt: new Date(Date.parse('2026-03-02T08:00:00.000Z') + sequence * 1000),
    lang: 'en',
    url: `https://x.com/${CUSTOMER.handle}/status/${externalId}`,
    raw: { id: externalId },
    ...overrides,
  };
}

export const silentLogger = pino({ level: 'silent' });
