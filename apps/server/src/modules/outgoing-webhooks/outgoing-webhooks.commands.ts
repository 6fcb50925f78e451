import { randomBytes } from 'node:crypto';
import type { OutgoingWebhookCreate, OutgoingWebhookUpdate } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { audit, type AuditContext } from '../audit/audit.context.ts';
import { deliveryJob } from './outgoing-webhooks.dispatch.ts';
import { testBody } from './outgoing-webhooks.payloads.ts';
import { auditView, findWebhook, secretContext } from './outgoing-webhooks.repository.ts';
import { checkWebhookUrl } from './url-guard.ts';

export interface WebhookCommandDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  jobs: JobQueue;
}

/** A workspace keeps its list short enough to read; each webhook is a stream of outgoing requests. */
const MAX_WEBHOOKS = 20;

/** `whsec_` + 32 random bytes: long enough that guessing is hopeless, recognisable in a config file. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function createWebhook(
  deps: WebhookCommandDeps,
  context: AuditContext,
  input: OutgoingWebhookCreate,
): Promise<{ id: string; secret: string }> {
  const allowPrivate = input.allowPrivate ?? false;
  const url = await checkWebhookUrl(input.url, { allowPrivate });
  const count = await deps.db
    .selectFrom('outgoing_webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', context.workspaceId)
    .executeTakeFirst();
  if (Number(count?.n ?? 0) >= MAX_WEBHOOKS) {
    throw new AppError('outgoing_webhook.too_many', 'conflict', `A workspace has at most ${MAX_WEBHOOKS} webhooks.`);
  }
  const now = deps.clock.now().getTime();
  const id = newId(now);
  const secret = newSecret();
  const row = {
    id,
    workspace_id: context.workspaceId,
    url: url.toString(),
    events: JSON.stringify([...new Set(input.events)]),
    secret: deps.secrets.seal(secret, secretContext(id)),
    allow_private: allowPrivate ? 1 : 0,
    enabled: 1,
    failure_count: 0,
    disabled_reason: null,
    disabled_at: null,
    created_by: context.actor.id ?? null,
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('outgoing_webhooks').values(row).execute();
    await audit(tx, context, 'outgoing_webhook.created', now, {
      subject: { type: 'outgoing_webhook', id },
      after: auditView(row),
    });
  });
  return { id, secret };
}

export async function updateWebhook(
  deps: WebhookCommandDeps,
  context: AuditContext,
  id: string,
  update: OutgoingWebhookUpdate,
): Promise<void> {
  const current = await findWebhook(deps.db, context.workspaceId, id);
  const allowPrivate = update.allowPrivate ?? Number(current.allow_private) === 1;
  // The address is checked again whenever the URL or the private allowance changes.
  const url =
    update.url !== undefined || update.allowPrivate !== undefined
      ? (await checkWebhookUrl(update.url ?? current.url, { allowPrivate })).toString()
      : current.url;
  const now = deps.clock.now().getTime();
  const enabling = update.enabled === true && Number(current.enabled) !== 1;
  const next = {
    ...current,
    url,
    events: update.events ? JSON.stringify([...new Set(update.events)]) : current.events,
    allow_private: allowPrivate ? 1 : 0,
    enabled: update.enabled === undefined ? current.enabled : update.enabled ? 1 : 0,
    // Switched back on: a fresh start, without the old failures or the reason it was switched off.
    failure_count: enabling ? 0 : current.failure_count,
    disabled_reason: update.enabled === undefined ? current.disabled_reason : null,
    disabled_at: update.enabled === false ? now : update.enabled === true ? null : current.disabled_at,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('outgoing_webhooks')
      .set({
        url: next.url,
        events: next.events,
        allow_private: next.allow_private,
        enabled: next.enabled,
        failure_count: next.failure_count,
        disabled_reason: next.disabled_reason,
        disabled_at: next.disabled_at,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await audit(tx, context, 'outgoing_webhook.updated', now, {
      subject: { type: 'outgoing_webhook', id },
      before: auditView(current),
      after: auditView(next),
    });
  });
}

export async function deleteWebhook(deps: WebhookCommandDeps, context: AuditContext, id: string): Promise<void> {
  const current = await findWebhook(deps.db, context.workspaceId, id);
  const now = deps.clock.now().getTime();
  await deps.db.transaction().execute(async (tx) => {
    // Its log rows go with it (cascade); pending deliveries find no webhook and end.
    await tx.deleteFrom('outgoing_webhook_deliveries').where('webhook_id', '=', id).execute();
    await tx.deleteFrom('outgoing_webhooks').where('id', '=', id).execute();
    await audit(tx, context, 'outgoing_webhook.deleted', now, {
      subject: { type: 'outgoing_webhook', id },
      before: auditView(current),
    });
  });
}

/** A new signing secret, shown once; the old one stops working at once. */
export async function rotateWebhookSecret(
  deps: WebhookCommandDeps,
  context: AuditContext,
  id: string,
): Promise<string> {
  await findWebhook(deps.db, context.workspaceId, id);
  const now = deps.clock.now().getTime();
  const secret = newSecret();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('outgoing_webhooks')
      .set({ secret: deps.secrets.seal(secret, secretContext(id)), updated_at: now })
      .where('id', '=', id)
      .execute();
    // The line says the secret changed; its value is never written anywhere but the sealed column.
    await audit(tx, context, 'outgoing_webhook.secret_rotated', now, { subject: { type: 'outgoing_webhook', id } });
  });
  return secret;
}

/** Queues a `webhook.test` delivery through the same job as real events; returns its delivery id. */
export async function sendTestDelivery(deps: WebhookCommandDeps, context: AuditContext, id: string): Promise<string> {
  await findWebhook(deps.db, context.workspaceId, id);
  const now = deps.clock.now().getTime();
  const deliveryId = newId(now);
  await deps.jobs.enqueue(deliveryJob(id, testBody(deliveryId, context.workspaceId, now), true));
  deps.jobs.notify();
  return deliveryId;
}
