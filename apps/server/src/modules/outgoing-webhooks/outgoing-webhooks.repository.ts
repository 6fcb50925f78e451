import {
  outgoingWebhookEventSchema,
  type OutgoingWebhook,
  type OutgoingWebhookDelivery,
  type OutgoingWebhookEvent,
} from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { parseJson } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';

/** Failed attempts in a row after which the desk switches a webhook off and says why. */
export const MAX_CONSECUTIVE_FAILURES = 10;

/** The SecretBox context of a webhook's signing secret: a sealed value copied to another row does not open. */
export const secretContext = (webhookId: string) => `outgoing_webhook:${webhookId}:secret`;

export function webhookEvents(row: Pick<Row<'outgoing_webhooks'>, 'events'>): OutgoingWebhookEvent[] {
  const parsed = outgoingWebhookEventSchema.array().safeParse(parseJson<unknown>(row.events, []));
  return parsed.success ? parsed.data : [];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function toWebhook(
  row: Row<'outgoing_webhooks'>,
  last?: Pick<Row<'outgoing_webhook_deliveries'>, 'status' | 'created_at' | 'response_status'> | undefined,
): OutgoingWebhook {
  return {
    id: row.id,
    url: row.url,
    events: webhookEvents(row),
    allowPrivate: Number(row.allow_private) === 1,
    enabled: Number(row.enabled) === 1,
    failureCount: Number(row.failure_count),
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    createdAt: iso(row.created_at)!,
    lastAttempt: last
      ? {
          status: last.status,
          at: iso(last.created_at)!,
          responseStatus: last.response_status === null ? null : Number(last.response_status),
        }
      : null,
  };
}

/** What an audit line shows of a webhook: never the secret. */
export function auditView(row: Row<'outgoing_webhooks'>) {
  return {
    url: row.url,
    events: webhookEvents(row),
    allowPrivate: Number(row.allow_private) === 1,
    enabled: Number(row.enabled) === 1,
  };
}

export async function findWebhook(db: DbOrTx, workspaceId: string, id: string): Promise<Row<'outgoing_webhooks'>> {
  const row = await db
    .selectFrom('outgoing_webhooks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('outgoing_webhook.not_found', 'not_found', 'This webhook does not exist.');
  return row;
}

async function lastAttempt(db: DbOrTx, webhookId: string) {
  return db
    .selectFrom('outgoing_webhook_deliveries')
    .select(['status', 'created_at', 'response_status'])
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function describeWebhook(db: DbOrTx, row: Row<'outgoing_webhooks'>): Promise<OutgoingWebhook> {
  return toWebhook(row, await lastAttempt(db, row.id));
}

export async function listWebhooks(db: DbOrTx, workspaceId: string): Promise<OutgoingWebhook[]> {
  const rows = await db
    .selectFrom('outgoing_webhooks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
  return Promise.all(rows.map((row) => describeWebhook(db, row)));
}

export async function listDeliveries(db: DbOrTx, webhookId: string, limit: number): Promise<OutgoingWebhookDelivery[]> {
  const rows = await db
    .selectFrom('outgoing_webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    deliveryId: row.delivery_id,
    event: row.event,
    status: row.status,
    attempt: Number(row.attempts),
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    error: row.error,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    createdAt: iso(row.created_at)!,
  }));
}

/** Attempts already made for one delivery (its log rows): the next one's number. */
export async function attemptsSoFar(db: DbOrTx, webhookId: string, deliveryId: string): Promise<number> {
  const row = await db
    .selectFrom('outgoing_webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('webhook_id', '=', webhookId)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
