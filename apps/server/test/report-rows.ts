import { newId } from '../src/platform/ids.ts';
import type { StorageFixture } from './factories.ts';

/**
 * Rows written straight into the database for the reports' and forecasts' tests, which need weeks of history
 * faster than the desk could ingest it. Each returns the new row's id.
 */

export async function addContact(f: StorageFixture, at: number, name = 'Jane'): Promise<string> {
  const id = newId(at);
  await f.database.db
    .insertInto('contacts')
    .values({ id, workspace_id: f.workspaceId, name, created_at: at, updated_at: at })
    .execute();
  return id;
}

export async function addTeam(f: StorageFixture, at: number, name: string): Promise<string> {
  const id = newId(at);
  await f.database.db.insertInto('teams').values({ id, workspace_id: f.workspaceId, name, created_at: at }).execute();
  return id;
}

/** A public conversation on the fixture's channel, opened at `at`. */
export async function addConversation(f: StorageFixture, at: number): Promise<string> {
  const id = newId(at);
  await f.database.db
    .insertInto('conversations')
    .values({
      id,
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      visibility: 'public',
      external_id: id,
      created_at: at,
    })
    .execute();
  return id;
}

/** A public post in a conversation: a customer's mention (in French, negative) or an agent's reply, sent. */
export async function addPost(
  f: StorageFixture,
  post: { conversationId: string; at: number; direction: 'inbound' | 'outbound'; agentId?: string | null },
): Promise<string> {
  const { at, direction } = post;
  const id = newId(at);
  await f.database.db
    .insertInto('messages')
    .values({
      id,
      workspace_id: f.workspaceId,
      channel_id: f.channel.id,
      conversation_id: post.conversationId,
      direction,
      visibility: 'public',
      kind: direction === 'inbound' ? 'mention' : 'reply',
      external_id: newId(at),
      author_agent_id: post.agentId ?? null,
      text: 'x',
      lang: direction === 'inbound' ? 'fr' : null,
      created_at: at,
      recorded_at: at,
      delivery_status: direction === 'outbound' ? 'sent' : null,
      delivery_attempts: 0,
      sentiment: direction === 'inbound' ? 'negative' : null,
    })
    .execute();
  return id;
}

/** The workspace's business hours: 09:00–18:00 UTC, Monday to Friday, no holidays. */
export async function addWeekdayBusinessHours(f: StorageFixture, updatedAt: number): Promise<string> {
  const id = newId(updatedAt);
  const open = [{ start: '09:00', end: '18:00' }];
  await f.database.db
    .insertInto('business_hours')
    .values({
      id,
      workspace_id: f.workspaceId,
      team_id: null,
      time_zone: 'UTC',
      week: JSON.stringify([open, open, open, open, open, [], []]),
      holidays: '[]',
      updated_by: null,
      updated_at: updatedAt,
    })
    .execute();
  return id;
}
