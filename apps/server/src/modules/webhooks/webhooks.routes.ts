import { createHmac, timingSafeEqual } from 'node:crypto';
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
import { openChannelCredentials, parseChannelSettings, webhookSecretOf } from '../channels/channel-settings.ts';
import { isXaaEnvelope } from '@guichet/connectors';
import { receiveDelivery } from './webhook-delivery.ts';
import { receiveActivityEvents } from './xaa-delivery.ts';
import type { ActivityPayload } from './x-activity.mappers.ts';

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  realtime: RealtimeBus;
  secrets: SecretBox;
}

const params = z.object({ channelId: z.string().min(1).max(100) });

/**
 * X signs CRC answers and deliveries with the same HMAC of the same secret, so the CRC endpoint would sign a
 * forged delivery if asked to. X's CRC tokens are short random base64 strings: anything else (JSON, braces,
 * spaces, long text) is refused, and what this shape allows can never be a delivery (a JSON object).
 */
const crcToken = z
  .string()
  .regex(/^[A-Za-z0-9+/=_-]{8,200}$/, 'must be a CRC token from X: 8 to 200 base64 characters');

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

/**
 * The channel a webhook URL names and the consumer secret its deliveries are signed with. A channel that
 * does not exist and one whose webhooks are off (the default, until an admin turns them on) get the same
 * answer, so probing learns nothing and the secret signs nothing for channels that take no webhooks.
 */
async function channelSecret(
  deps: WebhookDeps,
  channelId: string,
): Promise<{ channel: Row<'channels'>; secret: string }> {
  const channel = await deps.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  if (!channel?.credentials || !channel.external_account_id || !parseChannelSettings(channel.settings).webhooks) {
    throw new AppError('webhook.unknown_channel', 'not_found', 'No channel here.');
  }
  const secret = webhookSecretOf(
    openChannelCredentials(deps.secrets, { id: channel.id, credentials: channel.credentials }),
  );
  if (!secret) {
    throw new AppError(
      'webhook.no_secret',
      'unavailable',
      'This channel has no consumer secret to check webhooks with.',
    );
  }
  return { channel, secret };
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
      { schema: { hide: true, params, querystring: z.object({ crc_token: crcToken }) } },
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
      // The X Activity API delivers to the same URL (same CRC, same signature), one event envelope each;
      // both shapes are taken while webhooks are on, so nothing in flight is lost when a channel switches.
      if (isXaaEnvelope(payload)) {
        await receiveActivityEvents(deps, channel, [payload]);
        return reply.status(200).send({ ok: true });
      }
      // One delivery per subscribed account: only the one this channel is for concerns it.
      if (payload.for_user_id !== channel.external_account_id) return reply.status(200).send({ ignored: true });
      await receiveDelivery(deps, channel, payload);
      return reply.status(200).send({ ok: true });
    });
  });
}
