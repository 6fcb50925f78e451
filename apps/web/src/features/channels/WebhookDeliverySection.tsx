import { Alert, Code, Stack, Switch, Text, Title } from '@mantine/core';
import type { ChannelSummary } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { channelsQueryKey, useChannelsApi } from './channelsApi.ts';

/**
 * X's Account Activity webhooks for one account (admins only). Off by default: until it is on, the desk
 * answers no CRC challenge for the channel, so nobody can make it sign anything.
 */
export function WebhookDeliverySection({ channel }: { channel: ChannelSummary }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (webhooks: boolean) => api.update(channel.id, { webhooks }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
  });
  const url = `${window.location.origin}/webhooks/x/${channel.id}`;

  return (
    <Stack gap={6} data-testid="channel-webhooks">
      <Title order={3} size="h5">
        {t('channels.webhooks.title')}
      </Title>
      <Switch
        checked={channel.webhooks}
        disabled={toggle.isPending}
        onChange={(event) => toggle.mutate(event.currentTarget.checked)}
        label={t('channels.webhooks.toggle')}
        data-testid="channel-webhooks-toggle"
      />
      <Text size="sm" c="dimmed">
        {channel.webhooks ? t('channels.webhooks.onHelp') : t('channels.webhooks.offHelp')}
      </Text>
      {channel.webhooks && <Code block>{url}</Code>}
      {toggle.isError && (
        <Alert color="red" data-testid="channel-webhooks-error">
          {t(errorMessageKey(toggle.error))}
        </Alert>
      )}
    </Stack>
  );
}
