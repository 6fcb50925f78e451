import type { OutgoingWebhookDelivery } from '@guichet/contracts';
import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { deliveriesQueryKey, useOutgoingWebhooksApi } from './outgoingWebhooksApi.ts';

export const deliveryColor: Record<OutgoingWebhookDelivery['status'], string> = {
  delivered: 'green',
  failed: 'orange',
  abandoned: 'red',
};

/** The latest attempts, newest first; refreshed every few seconds while open, so retries show up. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t, i18n } = useTranslation();
  const api = useOutgoingWebhooksApi();
  const log = useQuery({
    queryKey: deliveriesQueryKey(webhookId),
    queryFn: ({ signal }) => api.deliveries(webhookId, signal),
    refetchInterval: 3_000,
  });
  if (log.isPending) return <CenteredLoader />;
  if (log.isError) {
    return (
      <ErrorState title={t('outgoingWebhooks.log.loadError')} error={log.error} onRetry={() => void log.refetch()} />
    );
  }
  if (log.data.deliveries.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="webhook-log-empty">
        {t('outgoingWebhooks.log.empty')}
      </Text>
    );
  }
  const eventLabel = (event: string) => {
    const key = `outgoingWebhooks.events.${event}.label`;
    return i18n.exists(key) ? String(t(key as never)) : event;
  };
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={4} fz="sm" data-testid="webhook-log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('outgoingWebhooks.log.when')}</Table.Th>
            <Table.Th>{t('outgoingWebhooks.log.event')}</Table.Th>
            <Table.Th>{t('outgoingWebhooks.log.attempt')}</Table.Th>
            <Table.Th>{t('outgoingWebhooks.log.result')}</Table.Th>
            <Table.Th>{t('outgoingWebhooks.log.answer')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {log.data.deliveries.map((delivery) => (
            <Table.Tr
              key={delivery.id}
              data-testid="webhook-log-row"
              data-status={delivery.status}
              data-delivery={delivery.deliveryId}
            >
              <Table.Td>
                <Timestamp value={delivery.createdAt} format="datetime" size="sm" />
              </Table.Td>
              <Table.Td>{eventLabel(delivery.event)}</Table.Td>
              <Table.Td>{delivery.attempt}</Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={deliveryColor[delivery.status]}>
                  {t(`outgoingWebhooks.log.status.${delivery.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace" className="customer-text">
                  {delivery.responseStatus !== null ? `HTTP ${delivery.responseStatus}` : (delivery.error ?? '—')}
                  {delivery.durationMs !== null && (
                    <Text span size="xs" c="dimmed">
                      {` · ${delivery.durationMs} ms`}
                    </Text>
                  )}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
