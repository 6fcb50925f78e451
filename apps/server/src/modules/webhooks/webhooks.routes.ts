import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundItem } from '@guichet/connectors';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Row } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeBus } from '../../platform/realtime.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { channelCredentialsSchema, parseChannelSettings } from '../channels/channel-settings.ts';
import { upsertIdentities } from '../contacts/contacts.repository.ts';
import { recordEvents, type EventRecord } from '../events/events.repository.ts';
import { ingestBatch } from '../conversations/ingestion/ingest.ts';
import { recordFiltered, sortOutNoise } from '../conversations/ingestion/noise.ts';
import { mapV1DirectMessage, mapV1Tweet, v1Account, type ActivityPayload } from './x-activity.mappers.ts';

export const WEBHOOK_FEED = 'webhook';

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  realtime: RealtimeBus;
  secrets: SecretBox;
}

const params = z.object({ channelId: z.string().min(1).max(100) });

function sign(secret: string, message: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(message).digest('base64');
}

/** Constant-time comparison, so a forger learns nothing from how long a refusal takes. */
function sameSignature(expected: string, received: string | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function channelSecret(
  deps: WebhookDeps,
  channelId: string,
): Promise<{ channel: Row<'channels'>; secret: string }> {
  const channel = await deps.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  if (!channel?.credentials || !channel.external_account_id) {
    throw new AppError('webhook.unknown_channel', 'not_found', 'No channel here.');
  }
  const credentials = channelCredentialsSchema.parse(JSON.parse(deps.secrets.open(channel.credentials)));
  const secret = credentials.kind === 'oauth1' ? credentials.appSecret : credentials.consumerSecret;
  if (!secret) {
    throw new AppError(
      'webhook.no_secret',
      'unavailable',
      'This channel has no consumer secret to check webhooks with.',
    );
  }
  return { channel, secret };
}

/** v1.1 carries no conversation id: a reply joins its parent's thread when the desk has the parent. */
async function threadReplies(db: Db, channel: Row<'channels'>, items: InboundItem[]): Promise<void> {
  const parents = [...new Set(items.map((i) => i.inReplyToExternalId).filter((id): id is string => Boolean(id)))];
  if (parents.length === 0) return;
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.external_id as parent', 'conversations.external_id as conversation'])
    .where('messages.channel_id', '=', channel.id)
    .where('messages.external_id', 'in', parents)
    .execute();
  const conversationOf = new Map(rows.map((r) => [r.parent, r.conversation]));
  for (const item of items) {
    const known = item.inReplyToExternalId ? conversationOf.get(item.inReplyToExternalId) : undefined;
    if (known) item.conversationExternalId = known;
  }
}

/**
 * X's Account Activity webhooks (contract §13): the CRC challenge, and signed deliveries of posts, DMs,
 * follows and likes. Outside /api: X calls it, not an agent; the HMAC signature is the authentication, and
 * an unsigned or forged delivery is refused before anything is read from it.
 */
export function registerWebhookRoutes(app: HttpApp, deps: WebhookDeps): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The signature covers the raw bytes: keep them as they came instead of parsing JSON first.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.get(
      '/webhooks/x/:channelId',
      { schema: { hide: true, params, querystring: z.object({ crc_token: z.string().min(1).max(1000) }) } },
      async (request) => {
        const { secret } = await channelSecret(deps, request.params.channelId);
        return { response_token: sign(secret, request.query.crc_token) };
      },
    );

    scope.post('/webhooks/x/:channelId', { schema: { hide: true, params } }, async (request, reply) => {
      const { channel, secret } = await channelSecret(deps, request.params.channelId);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.from('');
      const received = request.headers['x-twitter-webhooks-signature'];
      if (!sameSignature(sign(secret, raw), typeof received === 'string' ? received : undefined)) {
        deps.logger.warn(
          { channelId: channel.id, ip: request.ip },
          'refused a webhook delivery with a missing or wrong signature',
        );
        throw new AppError('webhook.bad_signature', 'unauthenticated', 'The delivery signature does not match.');
      }
      let payload: ActivityPayload;
      try {
        payload = JSON.parse(raw.toString('utf8')) as ActivityPayload;
      } catch {
        throw new AppError('webhook.bad_payload', 'invalid', 'The delivery is not JSON.');
      }
      // One delivery per subscribed account: only the one this channel is for concerns it.
      if (payload.for_user_id !== channel.external_account_id) return reply.status(200).send({ ignored: true });
      await receive(deps, channel, payload);
      return reply.status(200).send({ ok: true });
    });
  });
}

async function receive(deps: WebhookDeps, channel: Row<'channels'>, payload: ActivityPayload): Promise<void> {
  const selfId = channel.external_account_id!;
  const now = deps.clock.now().getTime();
  const items: InboundItem[] = [
    ...(payload.tweet_create_events ?? []).map((t) => mapV1Tweet(t, selfId, channel.handle)),
    ...(payload.direct_message_events ?? []).map((e) => mapV1DirectMessage(e, payload.users ?? {}, selfId)),
  ].filter((item): item is InboundItem => item !== null);

  const signals: EventRecord[] = [];
  // New followers of the brand (F5): a signal and a known contact, not a case.
  const followers = (payload.follow_events ?? []).filter(
    (f) => f.type === 'follow' && v1Account(f.target, selfId).externalId === selfId,
  );
  if (followers.length > 0) {
    const accounts = followers.map((f) => v1Account(f.source, 'unknown'));
    const identities = await upsertIdentities(deps.db, {
      workspaceId: channel.workspace_id,
      network: channel.network,
      accounts,
      now,
    });
    for (const account of accounts) {
      signals.push({
        workspaceId: channel.workspace_id,
        type: 'contact.followed',
        subjectId: identities.get(account.externalId)?.contactId ?? null,
        actor: { type: 'contact', id: identities.get(account.externalId)?.contactId ?? null },
        payload: { channelId: channel.id, handle: account.handle },
        occurredAt: now,
      });
    }
  }
  for (const like of payload.favorite_events ?? []) {
    signals.push({
      workspaceId: channel.workspace_id,
      type: 'signal.liked',
      subjectId: like.favorited_status?.id_str ?? null,
      actor: { type: 'system' },
      payload: {
        channelId: channel.id,
        by: like.user?.screen_name ?? null,
        postId: like.favorited_status?.id_str ?? null,
      },
      occurredAt: now,
    });
  }

  await threadReplies(deps.db, channel, items);
  const { work, filtered } = sortOutNoise(items, parseChannelSettings(channel.settings).muteWords);
  const result = await ingestBatch(deps, {
    channel,
    feed: WEBHOOK_FEED,
    items: work,
    alsoInTransaction: async (tx) => {
      await recordFiltered(tx, channel, filtered, now);
      await recordEvents(tx, signals);
    },
  });
  deps.metrics.messagesIngested.labels(channel.network).inc(result.stored);
  const updatedAt = deps.clock.now().toISOString();
  for (const caseId of result.changedCaseIds) {
    deps.realtime.publish(channel.workspace_id, { type: 'case.changed', caseId, updatedAt });
  }
}
