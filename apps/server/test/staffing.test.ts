import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsNeeded } from '../src/modules/staffing/erlang-c.ts';
import { staffingForecast } from '../src/modules/staffing/staffing.queries.ts';
import { newId } from '../src/platform/ids.ts';
import { TEST_DIALECTS } from './databases.ts';
import { createStorageFixture, type StorageFixture } from './factories.ts';
import { addContact, addConversation, addWeekdayBusinessHours } from './report-rows.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 00:00 UTC: the history is the four weeks before. */
const T0 = Date.parse('2026-03-02T00:00:00.000Z');

describe.each(TEST_DIALECTS)('staffing forecast (%s)', (dialect) => {
  let f: StorageFixture;
  let agentId: string;

  beforeAll(async () => {
    f = await createStorageFixture(dialect);
    const db = f.database.db;
    agentId = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    const contactId = await addContact(f, T0);
    // Each Monday of the four weeks: 24 cases between 10:00 and 11:00 UTC, each answered by one reply, the
    // replies 4 minutes apart (one work session), so a case takes 4 minutes.
    for (let week = 1; week <= 4; week++) {
      const monday = T0 - week * 7 * DAY;
      for (let i = 0; i < 24; i++) {
        const openedAt = monday + 10 * HOUR + i * 2 * MIN;
        const repliedAt = monday + 10 * HOUR + 5 * MIN + i * 4 * MIN;
        const caseId = newId(openedAt);
        const conversationId = await addConversation(f, openedAt);
        await db
          .insertInto('cases')
          .values({
            id: caseId,
            workspace_id: f.workspaceId,
            channel_id: f.channel.id,
            contact_id: contactId,
            status: 'resolved',
            priority: 3,
            type: 'question',
            preview: 'x',
            message_count: 2,
            opened_at: openedAt,
            last_message_at: repliedAt,
            last_inbound_at: openedAt,
            first_response_at: repliedAt,
            resolved_at: repliedAt,
            updated_at: repliedAt,
          })
          .execute();
        await db
          .insertInto('messages')
          .values({
            id: newId(repliedAt),
            workspace_id: f.workspaceId,
            channel_id: f.channel.id,
            conversation_id: conversationId,
            direction: 'outbound',
            visibility: 'public',
            kind: 'reply',
            external_id: newId(repliedAt),
            author_agent_id: agentId,
            text: 'x',
            created_at: repliedAt,
            recorded_at: repliedAt,
            delivery_status: 'sent',
            delivery_attempts: 1,
          })
          .execute();
      }
    }
    await addWeekdayBusinessHours(f, T0);
  });
  afterAll(() => f.close());

  const forecast = (extra: { handleMinutes?: number; targetMinutes?: number } = {}) =>
    staffingForecast(f.database.db, {
      workspaceId: f.workspaceId,
      now: T0 + 9 * HOUR,
      timeZone: 'UTC',
      weeks: 4,
      targetShare: 0.8,
      ...extra,
    });

  it('averages arrivals per hour of the week and measures the handling time from the reply cadence', async () => {
    const r = await forecast();
    expect(r.from).toBe(new Date(T0 - 28 * DAY).toISOString());
    expect(r.arrivals[0]![10]).toBe(24);
    expect(r.arrivals[0]![9]).toBe(0);
    expect(r.arrivals.flat().reduce((a, b) => a + b, 0)).toBe(24);
    expect(r.handleSource).toBe('measured');
    expect(r.handleMs).toBe(4 * MIN);
    // The P3 first-response target by default (4 hours).
    expect(r.targetMs).toBe(240 * MIN);
    expect(r.needed[0]![10]).toBe(agentsNeeded(24, 4 * MIN, 240 * MIN, 0.8));
    expect(r.needed[0]![10]).toBe(2);
    expect(r.needed[1]![10]).toBe(0);
  });

  it('sets the need against the rota of the business hours', async () => {
    const r = await forecast();
    expect(r.rotaSource).toBe('business_hours');
    expect(r.rota[0]![10]).toBe(1);
    expect(r.rota[0]![8]).toBe(0);
    expect(r.rota[5]![10]).toBe(0);
  });

  it('takes a given handling time and a stricter target', async () => {
    const r = await forecast({ handleMinutes: 20, targetMinutes: 1 });
    expect(r.handleSource).toBe('given');
    expect(r.handleMs).toBe(20 * MIN);
    // 24 cases of 20 minutes an hour is 8 erlangs: 8 agents could never keep up.
    expect(r.needed[0]![10]).toBe(agentsNeeded(24, 20 * MIN, MIN, 0.8));
    expect(r.needed[0]![10]).toBeGreaterThan(8);
  });
});
