import {
  outgoingWebhookDeliveryListSchema,
  outgoingWebhookListSchema,
  outgoingWebhookSchema,
  outgoingWebhookTestSchema,
  outgoingWebhookWithSecretSchema,
  type OutgoingWebhook,
  type OutgoingWebhookCreate,
  type OutgoingWebhookDeliveryList,
  type OutgoingWebhookList,
  type OutgoingWebhookTest,
  type OutgoingWebhookUpdate,
  type OutgoingWebhookWithSecret,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

export const outgoingWebhooksQueryKey = ['admin', 'outgoing-webhooks'] as const;
export const deliveriesQueryKey = (webhookId: string) =>
  ['admin', 'outgoing-webhooks', webhookId, 'deliveries'] as const;

const path = (webhookId: string) => `/api/outgoing-webhooks/${encodeURIComponent(webhookId)}`;

/** Outgoing webhooks (F29), admins only: list, create (the secret comes once), change, test, delete. */
export function createOutgoingWebhooksApi(http: HttpClient) {
  return {
    list: (signal?: AbortSignal): Promise<OutgoingWebhookList> =>
      http.json('GET', '/api/outgoing-webhooks', outgoingWebhookListSchema, { signal }),
    create: (input: OutgoingWebhookCreate): Promise<OutgoingWebhookWithSecret> =>
      http.json('POST', '/api/outgoing-webhooks', outgoingWebhookWithSecretSchema, { body: input }),
    update: (webhookId: string, update: OutgoingWebhookUpdate): Promise<OutgoingWebhook> =>
      http.json('PATCH', path(webhookId), outgoingWebhookSchema, { body: update }),
    remove: (webhookId: string): Promise<void> => http.empty('DELETE', path(webhookId)),
    // Body-less changes still travel as JSON: the desk refuses other content types on state changes.
    rotateSecret: (webhookId: string): Promise<OutgoingWebhookWithSecret> =>
      http.json('POST', `${path(webhookId)}/secret`, outgoingWebhookWithSecretSchema, { body: {} }),
    sendTest: (webhookId: string): Promise<OutgoingWebhookTest> =>
      http.json('POST', `${path(webhookId)}/test`, outgoingWebhookTestSchema, { body: {} }),
    deliveries: (webhookId: string, signal?: AbortSignal): Promise<OutgoingWebhookDeliveryList> =>
      http.json('GET', `${path(webhookId)}/deliveries?limit=30`, outgoingWebhookDeliveryListSchema, { signal }),
  };
}

export type OutgoingWebhooksApi = ReturnType<typeof createOutgoingWebhooksApi>;

export function useOutgoingWebhooksApi(): OutgoingWebhooksApi {
  const queryClient = useQueryClient();
  return useMemo(
    () => createOutgoingWebhooksApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}
