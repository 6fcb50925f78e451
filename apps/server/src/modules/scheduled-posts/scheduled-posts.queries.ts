import type { ScheduledPost, ScheduledPostStatus } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function baseQuery(db: DbOrTx, workspaceId: string) {
  return db
    .selectFrom('scheduled_posts')
    .innerJoin('channels', 'channels.id', 'scheduled_posts.channel_id')
    .leftJoin('agents', 'agents.id', 'scheduled_posts.created_by_agent_id')
    .selectAll('scheduled_posts')
    .select(['channels.name as channel_name', 'channels.handle as channel_handle', 'agents.name as agent_name'])
    .where('scheduled_posts.workspace_id', '=', workspaceId);
}

type PostRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toScheduledPost(row: PostRow): ScheduledPost {
  return {
    id: row.id,
    channel: { id: row.channel_id, name: row.channel_name, handle: row.channel_handle },
    text: row.text,
    publishAt: iso(row.publish_at),
    origin: row.origin,
    status: row.status,
    url: row.url,
    externalId: row.external_id,
    sentAt: row.sent_at === null ? null : iso(row.sent_at),
    error: row.error,
    attempts: row.attempts,
    createdBy: row.created_by_agent_id && row.agent_name ? { id: row.created_by_agent_id, name: row.agent_name } : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * The calendar's posts in [from, to): scheduled ones by their planned time, sent ones by when they went
 * out (which is what the calendar shows for them), oldest first.
 */
export async function listScheduledPosts(
  db: DbOrTx,
  workspaceId: string,
  range: { from: number; to: number; status?: ScheduledPostStatus | undefined },
): Promise<ScheduledPost[]> {
  let query = baseQuery(db, workspaceId)
    .where((eb) =>
      eb.or([
        eb.and([eb('scheduled_posts.publish_at', '>=', range.from), eb('scheduled_posts.publish_at', '<', range.to)]),
        eb.and([eb('scheduled_posts.sent_at', '>=', range.from), eb('scheduled_posts.sent_at', '<', range.to)]),
      ]),
    )
    .orderBy('scheduled_posts.publish_at')
    .orderBy('scheduled_posts.id')
    .limit(1_000);
  if (range.status) query = query.where('scheduled_posts.status', '=', range.status);
  return (await query.execute()).map(toScheduledPost);
}

export async function findScheduledPost(db: DbOrTx, workspaceId: string, id: string): Promise<ScheduledPost | null> {
  const row = await baseQuery(db, workspaceId).where('scheduled_posts.id', '=', id).executeTakeFirst();
  return row ? toScheduledPost(row) : null;
}
