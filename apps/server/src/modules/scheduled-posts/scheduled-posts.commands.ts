import twitterText from 'twitter-text';
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { Row, RowUpdate } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';

export interface PostToSchedule {
  workspaceId: string;
  channelId: string;
  text: string;
  /** Epoch ms; <= now means "at the next scheduler round". */
  publishAt: number;
  origin: 'manual' | 'absence' | 'greeting' | 'incident';
  /** When set, unique per workspace: a second call with the same key creates nothing. */
  originKey: string | null;
  createdByAgentId: string | null;
}

/** X counts a post's length with its own weights (links 23, CJK and emoji 2). */
export const POST_MAX_WEIGHTED_LENGTH = 280;

export function postWeightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** Trims and checks a post's text; the error says what to fix. Customer-facing text is kept as typed. */
export function validatePostText(raw: string): string {
  const text = raw.trim();
  if (!text) throw new AppError('scheduled_post.empty', 'invalid', 'A post cannot be empty.');
  const length = postWeightedLength(text);
  if (length > POST_MAX_WEIGHTED_LENGTH) {
    throw new AppError(
      'scheduled_post.too_long',
      'invalid',
      `This post counts ${length} characters on X; the limit is ${POST_MAX_WEIGHTED_LENGTH}.`,
      { length, limit: POST_MAX_WEIGHTED_LENGTH },
    );
  }
  return text;
}

async function findByOriginKey(db: DbOrTx, workspaceId: string, originKey: string) {
  return db
    .selectFrom('scheduled_posts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('origin_key', '=', originKey)
    .executeTakeFirst();
}

/** Inserts the post and its event; null when a post with the same origin key already exists. */
async function insertPost(tx: DbOrTx, clock: Clock, post: PostToSchedule, text: string): Promise<string | null> {
  const now = clock.now().getTime();
  const id = newId(now);
  const result = await tx
    .insertInto('scheduled_posts')
    .values({
      id,
      workspace_id: post.workspaceId,
      channel_id: post.channelId,
      text,
      publish_at: post.publishAt,
      origin: post.origin,
      origin_key: post.originKey,
      status: 'scheduled',
      attempts: 0,
      first_attempt_at: null,
      external_id: null,
      url: null,
      error: null,
      sent_at: null,
      created_by_agent_id: post.createdByAgentId,
      created_at: now,
      updated_at: now,
    })
    // Two callers with the same key can both pass the look-up; the constraint lets one insert and the other
    // simply finds nothing inserted (no error, so a caller's transaction is not aborted on PostgreSQL).
    .onConflict((oc) => oc.columns(['workspace_id', 'origin_key']).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  await recordEvents(tx, [
    {
      workspaceId: post.workspaceId,
      type: 'scheduled_post.scheduled',
      subjectId: id,
      actor: post.createdByAgentId ? { type: 'agent', id: post.createdByAgentId } : { type: 'system' },
      payload: { channelId: post.channelId, publishAt: post.publishAt, origin: post.origin, originKey: post.originKey },
      occurredAt: now,
    },
  ]);
  return id;
}

/**
 * Schedules a brand post (not tied to a case). The scheduler publishes it once its time has come, through
 * the publish job, which posts it on X exactly once. Given a transaction, the post commits or rolls back
 * with the caller's change. With an `originKey`, a second call returns the first post and creates nothing,
 * so automatic posts (absences, greetings, incidents) can be scheduled again safely after a crash or by
 * two schedulers.
 */
export async function schedulePost(
  db: Db,
  clock: Clock,
  post: PostToSchedule,
): Promise<{ id: string; created: boolean }> {
  const text = validatePostText(post.text);
  if (!Number.isFinite(post.publishAt)) {
    throw new AppError('scheduled_post.invalid_time', 'invalid', 'The publication time is not a valid date.');
  }
  const channel = await db
    .selectFrom('channels')
    .select(['id'])
    .where('id', '=', post.channelId)
    .where('workspace_id', '=', post.workspaceId)
    .executeTakeFirst();
  if (!channel) throw new AppError('channel.not_found', 'not_found', 'This channel does not exist.');

  if (post.originKey !== null) {
    const earlier = await findByOriginKey(db, post.workspaceId, post.originKey);
    if (earlier) return { id: earlier.id, created: false };
  }
  const insert = (tx: DbOrTx) => insertPost(tx, clock, post, text);
  // The post and its event commit together: inside the caller's transaction, or in one of our own.
  const id = db.isTransaction ? await insert(db) : await db.transaction().execute(insert);
  if (id) return { id, created: true };
  const winner = post.originKey !== null ? await findByOriginKey(db, post.workspaceId, post.originKey) : undefined;
  if (!winner) throw new Error('scheduled post neither inserted nor found');
  return { id: winner.id, created: false };
}

export interface PostChange {
  text?: string | undefined;
  publishAt?: number | undefined;
  channelId?: string | undefined;
}

async function findPostRow(db: DbOrTx, workspaceId: string, id: string): Promise<Row<'scheduled_posts'>> {
  const row = await db
    .selectFrom('scheduled_posts')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw new AppError('scheduled_post.not_found', 'not_found', 'This scheduled post does not exist.');
  return row;
}

function tooLate(row: Row<'scheduled_posts'>): AppError {
  return new AppError(
    'scheduled_post.not_editable',
    'conflict',
    row.status === 'cancelled'
      ? 'This post was cancelled.'
      : 'This post is already being published or was published; it can no longer be changed.',
    { status: row.status },
  );
}

/**
 * Changes a post only while it is still in `from` (a compare-and-set: the publish job may claim it meanwhile),
 * with its event, in one transaction. False when the post had moved on and nothing was written.
 */
async function changeIfStill(
  db: Db,
  id: string,
  from: 'scheduled' | 'failed',
  set: RowUpdate<'scheduled_posts'>,
  event: EventRecord,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('scheduled_posts')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await recordEvents(tx, [event]);
    return true;
  });
}

/**
 * Edits a post that has not started sending. The update is a compare-and-set on `scheduled`: if the publish
 * job claimed the post in between, the edit is refused rather than changing a post that is on its way.
 */
export async function editScheduledPost(
  db: Db,
  clock: Clock,
  actor: { workspaceId: string; agentId: string },
  id: string,
  change: PostChange,
): Promise<Row<'scheduled_posts'>> {
  const row = await findPostRow(db, actor.workspaceId, id);
  if (row.status !== 'scheduled') throw tooLate(row);
  const text = change.text !== undefined ? validatePostText(change.text) : row.text;
  const publishAt = change.publishAt ?? row.publish_at;
  if (!Number.isFinite(publishAt)) {
    throw new AppError('scheduled_post.invalid_time', 'invalid', 'The publication time is not a valid date.');
  }
  const channelId = change.channelId ?? row.channel_id;
  if (channelId !== row.channel_id) {
    const channel = await db
      .selectFrom('channels')
      .select('id')
      .where('id', '=', channelId)
      .where('workspace_id', '=', actor.workspaceId)
      .executeTakeFirst();
    if (!channel) throw new AppError('channel.not_found', 'not_found', 'This channel does not exist.');
  }
  const now = clock.now().getTime();
  const changed = await changeIfStill(
    db,
    id,
    'scheduled',
    { text, publish_at: publishAt, channel_id: channelId, updated_at: now },
    {
      workspaceId: actor.workspaceId,
      type: 'scheduled_post.edited',
      subjectId: id,
      actor: { type: 'agent', id: actor.agentId },
      payload: { textChanged: text !== row.text, publishAt, previousPublishAt: row.publish_at, channelId },
      occurredAt: now,
    },
  );
  const fresh = await findPostRow(db, actor.workspaceId, id);
  if (!changed) throw tooLate(fresh);
  return fresh;
}

/** Cancels a post that has not started sending (same compare-and-set as an edit). */
export async function cancelScheduledPost(
  db: Db,
  clock: Clock,
  actor: { workspaceId: string; agentId: string | null },
  id: string,
): Promise<Row<'scheduled_posts'>> {
  const row = await findPostRow(db, actor.workspaceId, id);
  if (row.status === 'cancelled') return row;
  if (row.status !== 'scheduled') throw tooLate(row);
  const now = clock.now().getTime();
  const changed = await changeIfStill(
    db,
    id,
    'scheduled',
    { status: 'cancelled', updated_at: now },
    {
      workspaceId: actor.workspaceId,
      type: 'scheduled_post.cancelled',
      subjectId: id,
      actor: actor.agentId ? { type: 'agent', id: actor.agentId } : { type: 'system' },
      payload: {},
      occurredAt: now,
    },
  );
  const fresh = await findPostRow(db, actor.workspaceId, id);
  if (!changed && fresh.status !== 'cancelled') throw tooLate(fresh);
  return fresh;
}

/**
 * Puts a failed post back in the schedule for the next round (the agent fixed the cause: reconnected the
 * channel, reworded a duplicate). Attempts restart; reconciliation still looks from the first attempt on.
 */
export async function retryScheduledPost(
  db: Db,
  clock: Clock,
  actor: { workspaceId: string; agentId: string },
  id: string,
): Promise<Row<'scheduled_posts'>> {
  const row = await findPostRow(db, actor.workspaceId, id);
  if (row.status !== 'failed') {
    throw new AppError('scheduled_post.not_failed', 'conflict', 'Only a post that failed can be retried.', {
      status: row.status,
    });
  }
  const now = clock.now().getTime();
  await changeIfStill(
    db,
    id,
    'failed',
    { status: 'scheduled', attempts: 0, error: null, publish_at: now, updated_at: now },
    {
      workspaceId: actor.workspaceId,
      type: 'scheduled_post.retried',
      subjectId: id,
      actor: { type: 'agent', id: actor.agentId },
      payload: {},
      occurredAt: now,
    },
  );
  return findPostRow(db, actor.workspaceId, id);
}
