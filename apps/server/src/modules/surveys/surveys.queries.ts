import type { SatisfactionReport } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';

/**
 * Satisfaction (F25) of the surveys sent in [from, to): response rate (answered with a rating over sent),
 * mean rating, share rated 4 or 5, answers per rating, and the latest comments. Surveys are a few per
 * case at most, so this reads them directly.
 */
export async function satisfactionReport(
  db: DbOrTx,
  range: { workspaceId: string; from: number; to: number; channelId?: string | undefined },
): Promise<SatisfactionReport> {
  let query = db
    .selectFrom('case_surveys')
    .select(['rating', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', range.workspaceId)
    .where('sent_at', '>=', range.from)
    .where('sent_at', '<', range.to)
    .where('message_id', 'is not', null)
    .groupBy('rating');
  if (range.channelId) query = query.where('channel_id', '=', range.channelId);
  const rows = await query.execute();
  let sent = 0;
  let answered = 0;
  let total = 0;
  let satisfied = 0;
  const distribution = [1, 2, 3, 4, 5].map((rating) => ({ rating, count: 0 }));
  for (const row of rows) {
    const n = Number(row.n);
    sent += n;
    if (row.rating === null) continue;
    const rating = Number(row.rating);
    answered += n;
    total += rating * n;
    if (rating >= 4) satisfied += n;
    const slot = distribution[rating - 1];
    if (slot) slot.count += n;
  }
  let comments = db
    .selectFrom('case_surveys')
    .select(['case_id', 'rating', 'comment', 'answered_at'])
    .where('workspace_id', '=', range.workspaceId)
    .where('sent_at', '>=', range.from)
    .where('sent_at', '<', range.to)
    .where('comment', 'is not', null)
    .where('rating', 'is not', null)
    .orderBy('answered_at', 'desc')
    .limit(20);
  if (range.channelId) comments = comments.where('channel_id', '=', range.channelId);
  return {
    sent,
    answered,
    responseRate: sent > 0 ? answered / sent : null,
    average: answered > 0 ? total / answered : null,
    satisfiedShare: answered > 0 ? satisfied / answered : null,
    distribution,
    comments: (await comments.execute()).map((r) => ({
      caseId: r.case_id,
      rating: Number(r.rating),
      comment: r.comment ?? '',
      at: new Date(Number(r.answered_at)).toISOString(),
    })),
  };
}
