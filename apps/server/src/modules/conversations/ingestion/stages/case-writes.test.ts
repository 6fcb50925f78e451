import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../../../test/databases.ts';
import { createStorageFixture, inboundPost, type StorageFixture } from '../../../../../test/factories.ts';
import { ingestItems } from '../../../../../test/ingestion-kit.ts';

describe.each(TEST_DIALECTS)('touched cases written back (%s)', (dialect) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await createStorageFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  // PostgreSQL sends the touched cases as one JSON parameter: the characters JSON escapes must come back as
  // they were, and a lone surrogate as U+FFFD, as a bound parameter stores it.
  it('keeps hostile text as the preview, counts the messages and moves the latest activity', async () => {
    const root = inboundPost({ createdAt: new Date('2026-03-02T08:00:00Z') });
    await ingestItems(f, [root]);
    const hostile = `<img src=x onerror="alert(1)"> it's \\ "quoted" 😡 ‮${dialect === 'postgres' ? ' \ud800' : ''}`;
    const reply = inboundPost({
      conversationExternalId: root.externalId,
      text: hostile,
      createdAt: new Date('2026-03-02T08:05:00Z'),
    });
    await ingestItems(f, [reply]);
    const cases = await f.database.db
      .selectFrom('cases')
      .select(['preview', 'message_count', 'last_message_at', 'last_inbound_at'])
      .execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toEqual({
      preview: hostile.replace('\ud800', '\ufffd'),
      message_count: 2,
      last_message_at: reply.createdAt.getTime(),
      last_inbound_at: reply.createdAt.getTime(),
    });
  });
});
