import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { RetryJobAt, type JobHandler } from '../../platform/jobs/job-queue.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { audit, systemAuditContext } from '../audit/audit.context.ts';
import type { DeliveryJobPayload } from './outgoing-webhooks.dispatch.ts';
import { attemptsSoFar, MAX_CONSECUTIVE_FAILURES, secretContext } from './outgoing-webhooks.repository.ts';
import { sendWebhook, type SendResult } from './webhook-sender.ts';

/**
 * Waits before each retry of one delivery (with ±20 % jitter): quick at first for a receiver that blinked,
 * then spaced out over about eleven hours for one that is down. After the last, the delivery is abandoned.
 */
export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];

export interface DeliveryJobDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
}

function retryDelay(attempt: number): number {
  const base = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1]!;
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Writes the attempt's log row and the webhook's failure count together; switches it off at the limit. */
async function recordAttempt(
  deps: DeliveryJobDeps,
  job: DeliveryJobPayload,
  attempt: number,
  result: SendResult,
  last: boolean,
): Promise<void> {
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('outgoing_webhook_deliveries')
      .values({
        id: newId(now),
        webhook_id: job.webhookId,
        delivery_id: job.deliveryId,
        event: job.event,
        payload: job.body,
        status: result.ok ? 'delivered' : last ? 'abandoned' : 'failed',
        attempts: attempt,
        response_status: result.status,
        error: result.error,
        duration_ms: result.durationMs,
        created_at: now,
        delivered_at: result.ok ? now : null,
      })
      .execute();
    if (job.test) return;
    if (result.ok) {
      await tx.updateTable('outgoing_webhooks').set({ failure_count: 0 }).where('id', '=', job.webhookId).execute();
      return;
    }
    const hook = await tx
      .updateTable('outgoing_webhooks')
      .set((eb) => ({ failure_count: eb('failure_count', '+', 1) }))
      .where('id', '=', job.webhookId)
      .returning(['workspace_id', 'failure_count', 'enabled', 'url'])
      .executeTakeFirst();
    if (!hook || Number(hook.enabled) !== 1 || Number(hook.failure_count) < MAX_CONSECUTIVE_FAILURES) return;
    await tx
      .updateTable('outgoing_webhooks')
      .set({ enabled: 0, disabled_reason: 'too_many_failures', disabled_at: now, updated_at: now })
      .where('id', '=', job.webhookId)
      .execute();
    await audit(tx, systemAuditContext(hook.workspace_id), 'outgoing_webhook.disabled', now, {
      subject: { type: 'outgoing_webhook', id: job.webhookId },
      before: { enabled: true },
      after: { enabled: false },
      details: {
        reason: 'too_many_failures',
        failures: Number(hook.failure_count),
        url: hook.url,
        lastError: result.error,
      },
    });
  });
}

/**
 * `deliver-outgoing-webhook`: one signed POST per run. A failure is logged and retried later through the
 * queue (RetryJobAt, on the schedule above); the attempt number is read from the log, so it survives
 * restarts. A webhook switched off meanwhile gets nothing more.
 */
export function deliverOutgoingWebhookJob(deps: DeliveryJobDeps): JobHandler {
  return async (raw) => {
    const job = raw as DeliveryJobPayload;
    const hook = await deps.db
      .selectFrom('outgoing_webhooks')
      .selectAll()
      .where('id', '=', job.webhookId)
      .executeTakeFirst();
    if (!hook || (!job.test && Number(hook.enabled) !== 1)) return;
    const attempt = (await attemptsSoFar(deps.db, hook.id, job.deliveryId)) + 1;
    const result = await sendWebhook({
      url: hook.url,
      policy: { allowPrivate: Number(hook.allow_private) === 1 },
      secret: deps.secrets.open(hook.secret, secretContext(hook.id)),
      event: job.event,
      deliveryId: job.deliveryId,
      body: job.body,
      timestamp: Math.floor(deps.clock.now().getTime() / 1000),
    });
    const last = !result.ok && (job.test === true || attempt > RETRY_DELAYS_MS.length);
    await recordAttempt(deps, job, attempt, result, last);
    if (result.ok || last) return;
    deps.logger.info(
      { webhookId: hook.id, deliveryId: job.deliveryId, attempt, status: result.status, error: result.error },
      'outgoing webhook delivery failed; will retry',
    );
    throw new RetryJobAt(deps.clock.now().getTime() + retryDelay(attempt), result.error ?? 'delivery failed');
  };
}
