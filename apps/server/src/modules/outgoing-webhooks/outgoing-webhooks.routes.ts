import {
  apiErrorSchema,
  outgoingWebhookCreateSchema,
  outgoingWebhookDeliveryListSchema,
  outgoingWebhookListSchema,
  outgoingWebhookSchema,
  outgoingWebhookTestSchema,
  outgoingWebhookUpdateSchema,
  outgoingWebhookWithSecretSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { auditContextOf } from '../audit/audit.context.ts';
import { requireRole } from '../auth/auth.routes.ts';
import {
  createWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  sendTestDelivery,
  updateWebhook,
  type WebhookCommandDeps,
} from './outgoing-webhooks.commands.ts';
import {
  describeWebhook,
  findWebhook,
  listDeliveries,
  listWebhooks,
  MAX_CONSECUTIVE_FAILURES,
} from './outgoing-webhooks.repository.ts';

const params = z.object({ webhookId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };
const ADMINS = ['admin'] as const;

/** Outgoing webhooks (F29): admins only, because a webhook sends customers' messages out of the desk. */
export function registerOutgoingWebhookRoutes(app: HttpApp, deps: WebhookCommandDeps): void {
  const admin = async (request: Parameters<typeof requireRole>[0]) => {
    requireRole(request, [...ADMINS]);
    return auditContextOf(deps.db, request);
  };

  app.get(
    '/api/outgoing-webhooks',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Outgoing webhooks with their state and last attempt (admins)',
        response: { 200: outgoingWebhookListSchema, 403: apiErrorSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireRole(request, [...ADMINS]);
      return { webhooks: await listWebhooks(deps.db, workspaceId), maxFailures: MAX_CONSECUTIVE_FAILURES };
    },
  );

  app.post(
    '/api/outgoing-webhooks',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Register a webhook; the answer carries its signing secret, shown this once (admins)',
        body: outgoingWebhookCreateSchema,
        response: { 201: outgoingWebhookWithSecretSchema, ...errors },
      },
    },
    async (request, reply) => {
      const context = await admin(request);
      const { id, secret } = await createWebhook(deps, context, request.body);
      const webhook = await describeWebhook(deps.db, await findWebhook(deps.db, context.workspaceId, id));
      return reply.status(201).send({ webhook, secret });
    },
  );

  app.patch(
    '/api/outgoing-webhooks/:webhookId',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Change the URL or events, or switch a webhook off and on (admins)',
        params,
        body: outgoingWebhookUpdateSchema,
        response: { 200: outgoingWebhookSchema, ...errors },
      },
    },
    async (request) => {
      const context = await admin(request);
      await updateWebhook(deps, context, request.params.webhookId, request.body);
      return describeWebhook(deps.db, await findWebhook(deps.db, context.workspaceId, request.params.webhookId));
    },
  );

  app.delete(
    '/api/outgoing-webhooks/:webhookId',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Delete a webhook and its delivery log (admins)',
        params,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const context = await admin(request);
      await deleteWebhook(deps, context, request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/outgoing-webhooks/:webhookId/secret',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Replace the signing secret; the new one is shown this once (admins)',
        params,
        response: { 200: outgoingWebhookWithSecretSchema, ...errors },
      },
    },
    async (request) => {
      const context = await admin(request);
      const secret = await rotateWebhookSecret(deps, context, request.params.webhookId);
      const webhook = await describeWebhook(
        deps.db,
        await findWebhook(deps.db, context.workspaceId, request.params.webhookId),
      );
      return { webhook, secret };
    },
  );

  app.post(
    '/api/outgoing-webhooks/:webhookId/test',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'Send a `webhook.test` delivery now; its result appears in the delivery log (admins)',
        params,
        response: { 202: outgoingWebhookTestSchema, ...errors },
      },
    },
    async (request, reply) => {
      const context = await admin(request);
      const deliveryId = await sendTestDelivery(deps, context, request.params.webhookId);
      return reply.status(202).send({ deliveryId });
    },
  );

  app.get(
    '/api/outgoing-webhooks/:webhookId/deliveries',
    {
      schema: {
        tags: ['outgoing-webhooks'],
        summary: 'The latest delivery attempts, newest first (admins)',
        params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: outgoingWebhookDeliveryListSchema, ...errors },
      },
    },
    async (request) => {
      const { workspaceId } = requireRole(request, [...ADMINS]);
      const hook = await findWebhook(deps.db, workspaceId, request.params.webhookId);
      return { deliveries: await listDeliveries(deps.db, hook.id, request.query.limit) };
    },
  );
}
