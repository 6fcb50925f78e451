import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { Row } from '../../platform/db/schema.ts';
import { buildBody, SOURCE_EVENTS, type SourceEvent, type WebhookBody } from './outgoing-webhooks.payloads.ts';
import { webhookEvents } from './outgoing-webhooks.repository.ts';

export const DELIVER_OUTGOING_WEBHOOK = 'deliver-outgoing-webhook';

export interface DeliveryJobPayload extends Record<string, unknown> {
  webhookId: string;
  /** The JSON body, fixed when the event is dispatched: every attempt sends the same bytes. */
  body: string;
  event: string;
  deliveryId: string;
  /** A test from the admin screen: tried once, even on a disabled webhook, and not counted as a failure. */
  test?: boolean;
}

export interface DispatchDeps {
  db: Db;
  clock: Clock;
  jobs: JobQueue;
}

/** Events may commit a little after their time: each round looks this far back for ones not dispatched. */
const RESCAN_MS = 5 * 60_000;
const PAGE = 500;
const STATE_ID = 'events';

/** The dedupe key of one (webhook, event) delivery: two schedulers racing enqueue it once. */
export const deliveryKey = (webhookId: string, deliveryId: string) => `owh:${webhookId}:${deliveryId}`;

export function deliveryJob(webhookId: string, body: WebhookBody, test = false) {
  const payload: DeliveryJobPayload = {
    webhookId,
    body: JSON.stringify(body),
    event: body.type,
    deliveryId: body.id,
    ...(test ? { test: true } : {}),
  };
  return { name: DELIVER_OUTGOING_WEBHOOK, payload, dedupeKey: deliveryKey(webhookId, body.id) };
}

async function readCursor(db: DbOrTx, now: number): Promise<number> {
  const row = await db
    .selectFrom('outgoing_webhook_state')
    .select('events_after')
    .where('id', '=', STATE_ID)
    .executeTakeFirst();
  if (row) return Number(row.events_after);
  // A desk that upgrades (or gets its first webhook) starts from now: webhooks hear what happens next.
  await db
    .insertInto('outgoing_webhook_state')
    .values({ id: STATE_ID, events_after: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return now;
}

async function writeCursor(db: DbOrTx, at: number): Promise<void> {
  await db.updateTable('outgoing_webhook_state').set({ events_after: at }).where('id', '=', STATE_ID).execute();
}

/** Marks the event dispatched and enqueues its deliveries, in one transaction: a crash repeats nothing. */
async function dispatchOne(deps: DispatchDeps, event: SourceEvent, hooks: Row<'outgoing_webhooks'>[]): Promise<number> {
  const type = SOURCE_EVENTS[event.type];
  if (!type) return 0;
  return deps.db.transaction().execute(async (tx) => {
    const marked = await tx
      .insertInto('outgoing_webhook_dispatched')
      .values({ event_id: event.id, occurred_at: Number(event.occurred_at) })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    if (Number(marked.numInsertedOrUpdatedRows ?? 0) === 0) return 0;
    // A webhook hears events from its creation on, and only those it subscribed to.
    const targets = hooks.filter(
      (hook) =>
        hook.workspace_id === event.workspace_id &&
        Number(hook.created_at) <= Number(event.occurred_at) &&
        webhookEvents(hook).includes(type),
    );
    if (targets.length === 0) return 0;
    const body = await buildBody(tx, event, type);
    for (const hook of targets) await deps.jobs.enqueue(deliveryJob(hook.id, body), tx);
    return targets.length;
  });
}

/**
 * One round, for the scheduler: the case and message events recorded since the last round become one
 * `deliver-outgoing-webhook` job per subscribed webhook. Idempotent; returns the number of jobs enqueued.
 */
export async function dispatchOutgoingWebhooks(deps: DispatchDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  const cursor = await readCursor(deps.db, now);
  const hooks = await deps.db.selectFrom('outgoing_webhooks').selectAll().where('enabled', '=', 1).execute();
  if (hooks.length === 0) {
    // Nobody listens: move on, so a webhook created later does not receive the backlog.
    if (now - RESCAN_MS > cursor) await writeCursor(deps.db, now - RESCAN_MS);
    return 0;
  }
  const workspaces = [...new Set(hooks.map((hook) => hook.workspace_id))];
  const from = cursor - RESCAN_MS;
  let enqueued = 0;
  let latest = cursor;
  for (;;) {
    const events = await deps.db
      .selectFrom('events')
      .select([
        'id',
        'workspace_id',
        'type',
        'case_id',
        'subject_id',
        'actor_type',
        'actor_id',
        'payload',
        'occurred_at',
      ])
      .where('type', 'in', Object.keys(SOURCE_EVENTS))
      .where('workspace_id', 'in', workspaces)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('outgoing_webhook_dispatched').select('event_id').whereRef('event_id', '=', 'events.id')),
        ),
      )
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const event of events) {
      enqueued += await dispatchOne(deps, event, hooks);
      latest = Math.max(latest, Number(event.occurred_at));
    }
    if (events.length < PAGE) break;
  }
  if (latest > cursor) await writeCursor(deps.db, latest);
  await deps.db
    .deleteFrom('outgoing_webhook_dispatched')
    .where('occurred_at', '<', from - 24 * 3_600_000)
    .execute();
  if (enqueued > 0) deps.jobs.notify();
  return enqueued;
}
