import { ConnectorError, type Connector, type PublishedPost } from '@guichet/connectors';
import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Tx } from '../../../platform/db/database.ts';
import type { Row } from '../../../platform/db/schema.ts';
import { backoffMs } from '../../../platform/jobs/db-job-queue.ts';
import { RetryJobAt, type JobHandler, type JobQueue } from '../../../platform/jobs/job-queue.ts';
import type { Metrics } from '../../../platform/metrics.ts';
import type { RealtimeBus } from '../../../platform/realtime.ts';
import type { ChannelConnectors } from '../../channels/channel-connectors.ts';
import { findChannel } from '../../channels/channels.repository.ts';
import { recordEvents } from '../../events/events.repository.ts';
import { forgetUploadedMedia, recordedMedia, uploadMessageMedia } from '../../media/outgoing-media.delivery.ts';

export const DELIVER_MESSAGE = 'deliver-message';

interface Transport {
  /** `mediaIds`: the message's pictures, uploaded (outgoing-media.delivery.ts). */
  send(mediaIds: string[]): Promise<PublishedPost>;
  /** The copy of this message already on the network (with these pictures), if an earlier attempt got it there. */
  findSent(since: Date, mediaIds: string[]): Promise<PublishedPost | null>;
}

/**
 * A public message goes out as a reply to the post it answers; a direct one as a DM to the person who
 * wrote the message it answers. The visibility was fixed when the agent wrote it and never changes here:
 * a private answer can never go out publicly.
 */
async function outboundTransport(
  db: Db,
  connector: Connector,
  message: Row<'messages'>,
): Promise<Transport | { failure: { reason: string; detail: string } }> {
  if (message.visibility === 'public') {
    const inReplyToExternalId = message.in_reply_to_external_id;
    if (!inReplyToExternalId)
      return { failure: { reason: 'reply.no_target', detail: 'The reply has no post to answer.' } };
    const request = { text: message.text, inReplyToExternalId };
    return {
      send: (mediaIds) => connector.publishReply({ ...request, ...withMedia(mediaIds) }),
      findSent: (since, mediaIds) => connector.findPublishedReply({ ...request, ...withMedia(mediaIds), since }),
    };
  }
  const recipient = message.in_reply_to_message_id
    ? await db
        .selectFrom('messages')
        .innerJoin('identities', 'identities.id', 'messages.author_identity_id')
        .select('identities.external_id')
        .where('messages.id', '=', message.in_reply_to_message_id)
        .executeTakeFirst()
    : undefined;
  if (!recipient) return { failure: { reason: 'reply.no_recipient', detail: 'The direct message has no recipient.' } };
  const { sendDirectMessage, findSentDirectMessage } = connector;
  if (!connector.capabilities.directMessages || !sendDirectMessage || !findSentDirectMessage) {
    return { failure: { reason: 'channel.no_direct_messages', detail: 'This channel cannot send direct messages.' } };
  }
  const request = { recipientExternalId: recipient.external_id, text: message.text };
  return {
    send: (mediaIds) => sendDirectMessage.call(connector, { ...request, ...withMedia(mediaIds) }),
    findSent: (since, mediaIds) => findSentDirectMessage.call(connector, { ...request, ...withMedia(mediaIds), since }),
  };
}

const withMedia = (mediaIds: string[]) => (mediaIds.length > 0 ? { mediaIds } : {});

/** After this many failed sends the message is marked failed and the agent decides. */
const MAX_DELIVERY_ATTEMPTS = 8;
/** How far before the first attempt to look for a post of ours that may already exist. */
const RECONCILE_MARGIN_MS = 60_000;

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  realtime: RealtimeBus;
  connectors: ChannelConnectors;
  jobs: JobQueue;
  /** Where agents' pictures wait to go out (the data folder). */
  config: { dataDir: string };
}

/**
 * The next part of a thread (F13): the outbound message that answers this one, still waiting for the X id
 * of the part before it.
 */
function nextPart(tx: Tx, messageId: string) {
  return tx
    .selectFrom('messages')
    .select(['id', 'delivery_status'])
    .where('in_reply_to_message_id', '=', messageId)
    .where('direction', '=', 'outbound')
    .where('in_reply_to_external_id', 'is', null)
    .executeTakeFirst();
}

/** The parts of a thread after this one, in order. */
async function laterParts(tx: Tx, messageId: string): Promise<string[]> {
  const ids: string[] = [];
  let current = messageId;
  for (let next = await nextPart(tx, current); next; next = await nextPart(tx, current)) {
    if (ids.includes(next.id)) break;
    ids.push(next.id);
    current = next.id;
  }
  return ids;
}

/**
 * Sends one queued outbound message. "Sending" is committed before the network call; finding a message
 * still "sending" means an earlier attempt may have reached X without us recording it (crash, timeout), so
 * we first look on X for that post and adopt it rather than post twice.
 */
export function deliverMessageJob(deps: DeliveryDeps): JobHandler {
  return async (payload) => {
    const messageId = String(payload.messageId);
    const message = await deps.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
    if (!message || message.direction !== 'outbound') return;
    if (message.delivery_status === 'sent' || message.delivery_status === 'failed') return;
    const channel = await findChannel(deps.db, message.channel_id);
    if (!channel) return;
    const caseLink = await deps.db
      .selectFrom('case_conversations')
      .select('case_id')
      .where('conversation_id', '=', message.conversation_id)
      .executeTakeFirst();
    const log = deps.logger.child({ messageId, channelId: channel.id });
    const publish = (status: 'sent' | 'failed' | 'queued' | 'sending') => {
      const updatedAt = deps.clock.now().toISOString();
      if (caseLink) {
        deps.realtime.publish(message.workspace_id, {
          type: 'message.changed',
          caseId: caseLink.case_id,
          messageId,
          updatedAt,
        });
        deps.realtime.publish(message.workspace_id, { type: 'case.changed', caseId: caseLink.case_id, updatedAt });
      }
      log.debug({ status }, 'delivery status changed');
    };

    const markSent = async (post: PublishedPost, adopted: boolean) => {
      const now = deps.clock.now().getTime();
      let chained = false;
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('messages')
          .set({
            delivery_status: 'sent',
            delivery_error: null,
            external_id: post.externalId,
            url: post.url ?? null,
          })
          .where('id', '=', messageId)
          .execute();
        if (caseLink) {
          await tx.updateTable('cases').set({ updated_at: now }).where('id', '=', caseLink.case_id).execute();
        }
        // An automatic away message (F20) is not the desk's first response.
        if (caseLink && message.kind !== 'away_message') {
          await tx
            .updateTable('cases')
            .set({ first_response_at: now })
            .where('id', '=', caseLink.case_id)
            .where('first_response_at', 'is', null)
            .execute();
        }
        // A thread's next part answers this post: it can go out now, and only now.
        const next = await nextPart(tx, messageId);
        if (next && next.delivery_status === 'queued') {
          await tx
            .updateTable('messages')
            .set({ in_reply_to_external_id: post.externalId })
            .where('id', '=', next.id)
            .execute();
          await deps.jobs.enqueue(
            { name: DELIVER_MESSAGE, payload: { messageId: next.id }, dedupeKey: `deliver:${next.id}` },
            tx,
          );
          chained = true;
        }
        await recordEvents(tx, [
          {
            workspaceId: message.workspace_id,
            type: 'message.sent',
            caseId: caseLink?.case_id ?? null,
            subjectId: messageId,
            actor: { type: 'system' },
            payload: { externalId: post.externalId, adopted },
            occurredAt: now,
          },
        ]);
      });
      deps.metrics.messagesDelivered.labels(channel.network, adopted ? 'adopted' : 'sent').inc();
      if (chained) deps.jobs.notify();
      publish('sent');
    };

    const markFailed = async (reason: string, detail: string) => {
      const now = deps.clock.now().getTime();
      await deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('messages')
          .set({ delivery_status: 'failed', delivery_error: `${reason}: ${detail}`.slice(0, 1000) })
          .where('id', '=', messageId)
          .execute();
        // A thread stops at a failed part: the parts after it never go out, and say why.
        const later = await laterParts(tx, messageId);
        const held =
          'thread.previous_part_failed: An earlier part of this thread was not sent, so this part was not sent either.';
        if (later.length > 0) {
          await tx
            .updateTable('messages')
            .set({ delivery_status: 'failed', delivery_error: held })
            .where('id', 'in', later)
            .where('delivery_status', 'in', ['queued', 'pending_approval'])
            .execute();
        }
        await recordEvents(tx, [
          {
            workspaceId: message.workspace_id,
            type: 'message.failed',
            caseId: caseLink?.case_id ?? null,
            subjectId: messageId,
            actor: { type: 'system' },
            payload: { reason, detail },
            occurredAt: now,
          },
          ...later.map((id) => ({
            workspaceId: message.workspace_id,
            type: 'message.failed',
            caseId: caseLink?.case_id ?? null,
            subjectId: id,
            actor: { type: 'system' as const },
            payload: { reason: 'thread.previous_part_failed', detail: `Part before failed: ${messageId}` },
            occurredAt: now,
          })),
        ]);
      });
      deps.metrics.messagesDelivered.labels(channel.network, 'failed').inc();
      publish('failed');
    };

    const connector = deps.connectors.get(channel);
    const transport = await outboundTransport(deps.db, connector, message);
    if ('failure' in transport) {
      await markFailed(transport.failure.reason, transport.failure.detail);
      return;
    }

    // A message whose pictures are not all uploaded yet was never sent: nothing to look for on X.
    const media = await recordedMedia(deps.db, messageId);
    if (message.delivery_status === 'sending' && media.complete) {
      const existing = await transport.findSent(new Date(message.recorded_at - RECONCILE_MARGIN_MS), media.ids);
      if (existing) {
        log.warn({ externalId: existing.externalId }, 'reply was already on X; adopted instead of posting again');
        await markSent(existing, true);
        return;
      }
    }

    const attempt = message.delivery_attempts + 1;
    // Compare-and-set on the attempt counter: if another worker moved this message on since we read it,
    // it owns the delivery and we must not post.
    const claimed = await deps.db
      .updateTable('messages')
      .set({ delivery_status: 'sending', delivery_attempts: attempt })
      .where('id', '=', messageId)
      .where('delivery_attempts', '=', message.delivery_attempts)
      .where('delivery_status', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      log.warn('another worker is delivering this message; leaving it');
      return;
    }
    publish('sending');

    try {
      const mediaIds = await uploadMessageMedia(
        { db: deps.db, clock: deps.clock, dataDir: deps.config.dataDir },
        connector,
        message,
      );
      const post = await transport.send(mediaIds);
      await markSent(post, false);
    } catch (error) {
      const connectorError = error instanceof ConnectorError ? error : null;
      if (connectorError?.reason === 'x.media_invalid' && media.count > 0 && attempt < MAX_DELIVERY_ATTEMPTS) {
        // X refused the post (nothing was published): its media ids expired or were lost; upload again.
        await forgetUploadedMedia(deps.db, messageId);
        await deps.db.updateTable('messages').set({ delivery_status: 'queued' }).where('id', '=', messageId).execute();
        throw new RetryJobAt(deps.clock.now().getTime() + backoffMs(attempt), connectorError.message);
      }
      if (connectorError && !connectorError.retryable) {
        await markFailed(connectorError.reason, connectorError.message);
        return;
      }
      if (attempt >= MAX_DELIVERY_ATTEMPTS) {
        await markFailed(connectorError?.reason ?? 'delivery.gave_up', (error as Error).message);
        return;
      }
      if (connectorError?.kind === 'rate_limited') {
        // X refused outright: nothing was posted, so the next attempt need not reconcile.
        await deps.db.updateTable('messages').set({ delivery_status: 'queued' }).where('id', '=', messageId).execute();
      }
      const retryAt = connectorError?.retryAt?.getTime() ?? deps.clock.now().getTime() + backoffMs(attempt);
      log.warn({ err: error, retryAt: new Date(retryAt).toISOString() }, 'reply not sent yet; will retry');
      throw new RetryJobAt(retryAt, (error as Error).message);
    }
  };
}
