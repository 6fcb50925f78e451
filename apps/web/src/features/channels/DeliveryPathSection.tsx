import { Alert, Badge, Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ChannelSummary, DeliveryPath } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { channelsQueryKey, formatUsd, useChannelsApi } from './channelsApi.ts';

type Choice = 'xaa-stream' | 'xaa-webhook' | 'account_activity' | 'polling';

const LIVE_COLOR: Record<DeliveryPath, string> = { xaa: 'teal', account_activity: 'blue', polling: 'gray' };

/**
 * How X pushes this account's activity (decision 0012): which path is chosen, which one is live now, its
 * last event and what XAA costs this month. Admins switch paths; everyone sees the state. From December
 * 2026 a channel still on the Account Activity API is warned of its end of life (1 January 2027).
 */
export function DeliveryPathSection({ channel, canSwitch }: { channel: ChannelSummary; canSwitch: boolean }) {
  const { t } = useTranslation();
  const locale = currentLanguage();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const delivery = channel.delivery;
  const change = useMutation({
    mutationFn: (choice: Choice) =>
      api.setDelivery(
        channel.id,
        choice === 'xaa-stream'
          ? { path: 'xaa', xaaDelivery: 'stream' }
          : choice === 'xaa-webhook'
            ? { path: 'xaa', xaaDelivery: 'webhook' }
            : { path: choice },
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
  });
  if (!delivery) return null;
  const current: Choice = delivery.path === 'xaa' ? `xaa-${delivery.xaaDelivery}` : delivery.path;
  const endOfLife = new Date(delivery.accountActivityEndOfLife).toLocaleDateString(locale, { dateStyle: 'long' });

  return (
    <Stack gap={6} data-testid="channel-delivery" data-live={delivery.live}>
      <Group gap="xs">
        <Title order={3} size="h5">
          {t('channels.delivery.title')}
        </Title>
        <Badge color={LIVE_COLOR[delivery.live]} variant="light" data-testid="channel-delivery-live">
          {t('channels.delivery.liveNow', { path: t(`channels.delivery.path.${delivery.live}`) })}
        </Badge>
      </Group>
      {canSwitch && (
        <SegmentedControl
          value={current}
          disabled={change.isPending}
          onChange={(value) => change.mutate(value as Choice)}
          data={(['xaa-stream', 'xaa-webhook', 'account_activity', 'polling'] as const).map((value) => ({
            value,
            label: t(`channels.delivery.choice.${value}`),
          }))}
          data-testid="channel-delivery-choice"
        />
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <div>
          <Text size="xs" c="dimmed">
            {t('channels.delivery.lastEvent')}
          </Text>
          {delivery.lastEventAt ? (
            <Timestamp value={delivery.lastEventAt} size="sm" />
          ) : (
            <Text size="sm">{t('channels.health.never')}</Text>
          )}
        </div>
        <div>
          <Text size="xs" c="dimmed">
            {t('channels.delivery.cost')}
          </Text>
          <Text size="sm" data-testid="channel-delivery-cost">
            {formatUsd(delivery.monthCostUsd, locale, true)}
          </Text>
        </div>
        {delivery.path === 'xaa' && (
          <div>
            <Text size="xs" c="dimmed">
              {t('channels.delivery.stream')}
            </Text>
            <Text size="sm">
              {delivery.xaaDelivery === 'webhook'
                ? t('channels.delivery.byWebhook')
                : t(`channels.delivery.streamState.${delivery.streamState}`)}
            </Text>
          </div>
        )}
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t(`channels.delivery.help.${current}`)}
      </Text>
      {delivery.endOfLifeWarning && (
        <Alert color="orange" title={t('channels.delivery.endOfLifeTitle')} data-testid="channel-delivery-eol">
          {t('channels.delivery.endOfLife', { date: endOfLife })}
        </Alert>
      )}
      {change.isError && (
        <Alert color="red" data-testid="channel-delivery-error">
          {t(errorMessageKey(change.error))}
        </Alert>
      )}
    </Stack>
  );
}
