import type { OutgoingWebhookEvent } from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';

/** Which event of the desk's log becomes which webhook event. */
export const SOURCE_EVENTS: Record<string, OutgoingWebhookEvent> = {
  'case.opened': 'case.created',
  'message.received': 'message.received',
  'message.sent': 'reply.sent',
  'case.resolved': 'case.resolved',
  'sla.breached': 'sla.breached',
};

export type SourceEvent = Pick<
  Row<'events'>,
  'id' | 'workspace_id' | 'type' | 'case_id' | 'subject_id' | 'actor_type' | 'actor_id' | 'payload' | 'occurred_at'
>;

/** The JSON body every delivery carries; `id` stays the same on every attempt so receivers can dedupe. */
export interface WebhookBody {
  id: string;
  type: string;
  occurredAt: string;
  workspaceId: string;
  data: Record<string, unknown>;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

async function caseData(db: DbOrTx, caseId: string | null) {
  if (!caseId) return null;
  const row = await db
    .selectFrom('cases')
    .leftJoin('identities', (join) =>
      join.onRef('identities.contact_id', '=', 'cases.contact_id').on('identities.network', '=', 'x'),
    )
    .select([
      'cases.id',
      'cases.status',
      'cases.priority',
      'cases.type',
      'cases.channel_id',
      'cases.contact_id',
      'cases.assignee_agent_id',
      'cases.team_id',
      'cases.opened_at',
      'cases.resolved_at',
      'identities.handle',
      'identities.name',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return { id: caseId };
  return {
    id: row.id,
    status: row.status,
    priority: row.priority === null ? null : Number(row.priority),
    type: row.type,
    channelId: row.channel_id,
    assigneeId: row.assignee_agent_id,
    teamId: row.team_id,
    openedAt: iso(row.opened_at),
    resolvedAt: iso(row.resolved_at),
    contact: { id: row.contact_id, handle: row.handle ?? null, name: row.name ?? null },
  };
}

async function messageData(db: DbOrTx, messageId: string | null) {
  if (!messageId) return null;
  const row = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!row) return { id: messageId };
  return {
    id: row.id,
    direction: row.direction,
    visibility: row.visibility,
    kind: row.kind,
    text: row.text,
    lang: row.lang,
    externalId: row.external_id,
    url: row.url,
    authorAgentId: row.author_agent_id,
    createdAt: iso(row.created_at),
  };
}

/** What a receiver needs to act without calling back: the case, and the message when there is one. */
export async function buildBody(db: DbOrTx, event: SourceEvent, type: OutgoingWebhookEvent): Promise<WebhookBody> {
  const payload = parseJson<Record<string, unknown>>(event.payload, {});
  const data: Record<string, unknown> = { case: await caseData(db, event.case_id) };
  if (type === 'message.received' || type === 'reply.sent') data.message = await messageData(db, event.subject_id);
  if (type === 'case.resolved') data.resolvedBy = { type: event.actor_type, id: event.actor_id };
  if (type === 'sla.breached') {
    data.breach = {
      metric: payload.metric ?? null,
      priority: payload.priority ?? null,
      dueAt: payload.dueAt ?? null,
      targetMinutes: payload.targetMinutes ?? null,
    };
  }
  return {
    id: event.id,
    type,
    occurredAt: iso(event.occurred_at)!,
    workspaceId: event.workspace_id,
    data,
  };
}

/** The body of a test sent from the admin screen: recognisable, and shaped like the real ones. */
export function testBody(id: string, workspaceId: string, now: number): WebhookBody {
  return {
    id,
    type: 'webhook.test',
    occurredAt: iso(now)!,
    workspaceId,
    data: { message: 'A test delivery from Guichet: if you can read this, the webhook works.' },
  };
}
