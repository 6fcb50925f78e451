import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import { createStorageFixture, type StorageFixture } from '../../../test/factories.ts';
import { insertRows } from './bulk-insert.ts';
import { selectByKeys } from './key-lookup.ts';
import type { NewRow } from './schema.ts';

describe.each(TEST_DIALECTS)('selectByKeys (%s)', (dialect) => {
  let f: StorageFixture;

  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });

  afterEach(async () => {
    await f.close();
  });

  const conversation = (id: string, visibility: 'public' | 'direct', externalId: string): NewRow<'conversations'> => ({
    id,
    workspace_id: f.workspaceId,
    channel_id: f.channel.id,
    visibility,
    external_id: externalId,
    created_at: 1_772_441_000_000,
  });

  const lookup = (visibility: string, keys: string[]) =>
    selectByKeys<'conversations', { id: string; external_id: string }>(f.database.db, {
      table: 'conversations',
      columns: ['id', 'external_id'],
      fixed: { channel_id: f.channel.id, visibility },
      column: 'external_id',
      keys,
    });

  it('returns each stored key once, within the fixed columns, and leaves out the keys not stored', async () => {
    await insertRows(f.database.db, 'conversations', [
      conversation('c-1', 'public', '100'),
      conversation('c-2', 'public', '200'),
      conversation('c-3', 'direct', '100'),
      conversation('c-4', 'public', "it's 😡"),
    ]);

    const found = await lookup('public', ['100', '300', '100', "it's 😡", '200']);
    expect(found.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'c-1', external_id: '100' },
      { id: 'c-2', external_id: '200' },
      { id: 'c-4', external_id: "it's 😡" },
    ]);
    expect(await lookup('direct', ['100', '200'])).toEqual([{ id: 'c-3', external_id: '100' }]);
    expect(await lookup('public', [])).toEqual([]);
  });
});
