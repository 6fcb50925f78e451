import type { OutgoingWebhook, OutgoingWebhookWithSecret } from '@guichet/contracts';
import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { CreateWebhookModal } from './CreateWebhookModal.tsx';
import { deliveryColor, DeliveryLog } from './DeliveryLog.tsx';
import { deliveriesQueryKey, outgoingWebhooksQueryKey, useOutgoingWebhooksApi } from './outgoingWebhooksApi.ts';
import { SecretOnce } from './SecretOnce.tsx';
import { useWebhookErrorText } from './webhookErrors.ts';

/** Outgoing webhooks (F29): where the desk tells other systems about cases, signed and retried. */
export function OutgoingWebhooksPanel() {
  const { t } = useTranslation();
  const api = useOutgoingWebhooksApi();
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: outgoingWebhooksQueryKey,
    queryFn: ({ signal }) => api.list(signal),
    // Failure counts and automatic switch-offs happen in the worker: keep the cards current.
    refetchInterval: 5_000,
  });
  if (list.isPending) return <CenteredLoader />;
  if (list.isError) {
    return (
      <ErrorState title={t('outgoingWebhooks.loadError')} error={list.error} onRetry={() => void list.refetch()} />
    );
  }
  return (
    <Stack gap="md" data-testid="webhooks-panel">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm" c="dimmed" maw={720}>
          {t('outgoingWebhooks.intro', { max: list.data.maxFailures })}
        </Text>
        <Button onClick={() => setCreating(true)} data-testid="webhook-create">
          {t('outgoingWebhooks.create.open')}
        </Button>
      </Group>
      {list.data.webhooks.length === 0 ? (
        <Paper withBorder p="lg" data-testid="webhooks-empty">
          <Text c="dimmed" ta="center">
            {t('outgoingWebhooks.empty')}
          </Text>
        </Paper>
      ) : (
        list.data.webhooks.map((webhook) => (
          <WebhookCard key={webhook.id} webhook={webhook} maxFailures={list.data.maxFailures} />
        ))
      )}
      {creating && <CreateWebhookModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}

function WebhookCard({ webhook, maxFailures }: { webhook: OutgoingWebhook; maxFailures: number }) {
  const { t } = useTranslation();
  const errorText = useWebhookErrorText();
  const api = useOutgoingWebhooksApi();
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const [rotated, setRotated] = useState<OutgoingWebhookWithSecret | null>(null);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: outgoingWebhooksQueryKey });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.update(webhook.id, { enabled }),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: () => api.sendTest(webhook.id),
    onSuccess: () => {
      setShowLog(true);
      void queryClient.invalidateQueries({ queryKey: deliveriesQueryKey(webhook.id) });
    },
  });
  const rotate = useMutation({ mutationFn: () => api.rotateSecret(webhook.id), onSuccess: setRotated });
  const failed = toggle.error ?? test.error ?? rotate.error;

  return (
    <Paper withBorder p="md" radius="md" data-testid="webhook-card" data-url={webhook.url}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Code fz="sm" style={{ wordBreak: 'break-all' }}>
              {webhook.url}
            </Code>
            <Group gap={4}>
              {webhook.events.map((event) => (
                <Badge key={event} size="sm" variant="light" tt="none">
                  {t(`outgoingWebhooks.events.${event}.label`)}
                </Badge>
              ))}
              {webhook.allowPrivate && (
                <Badge size="sm" variant="outline" color="orange" tt="none">
                  {t('outgoingWebhooks.privateAllowed')}
                </Badge>
              )}
            </Group>
          </Stack>
          <Switch
            checked={webhook.enabled}
            onChange={(event) => toggle.mutate(event.currentTarget.checked)}
            label={webhook.enabled ? t('outgoingWebhooks.enabled') : t('outgoingWebhooks.disabled')}
            disabled={toggle.isPending}
            data-testid="webhook-enabled"
          />
        </Group>
        {!webhook.enabled && webhook.disabledReason === 'too_many_failures' && (
          <Alert color="red" title={t('outgoingWebhooks.autoDisabled.title')} data-testid="webhook-auto-disabled">
            {t('outgoingWebhooks.autoDisabled.body', { max: maxFailures })}
          </Alert>
        )}
        <Group gap="md">
          <Group gap={6} data-testid="webhook-last-attempt">
            <Text size="sm" c="dimmed">
              {t('outgoingWebhooks.lastAttempt')}
            </Text>
            {webhook.lastAttempt ? (
              <>
                <Timestamp value={webhook.lastAttempt.at} size="sm" c="dimmed" />
                <Badge size="xs" variant="light" color={deliveryColor[webhook.lastAttempt.status]}>
                  {t(`outgoingWebhooks.log.status.${webhook.lastAttempt.status}`)}
                </Badge>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t('outgoingWebhooks.never')}
              </Text>
            )}
          </Group>
          {webhook.failureCount > 0 && (
            <Text size="sm" c="orange" data-testid="webhook-failures">
              {t('outgoingWebhooks.failures', { count: webhook.failureCount, max: maxFailures })}
            </Text>
          )}
        </Group>
        {failed && <Alert color="red">{errorText(failed)}</Alert>}
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            onClick={() => test.mutate()}
            loading={test.isPending}
            data-testid="webhook-test"
          >
            {t('outgoingWebhooks.test')}
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setShowLog((v) => !v)} data-testid="webhook-log-toggle">
            {showLog ? t('outgoingWebhooks.log.hide') : t('outgoingWebhooks.log.show')}
          </Button>
          <Button size="xs" variant="subtle" onClick={() => rotate.mutate()} loading={rotate.isPending}>
            {t('outgoingWebhooks.rotate')}
          </Button>
          <Button size="xs" variant="subtle" color="red" ml="auto" onClick={() => setDeleting(true)}>
            {t('outgoingWebhooks.delete.open')}
          </Button>
        </Group>
        {showLog && <DeliveryLog webhookId={webhook.id} />}
      </Stack>
      {rotated && (
        <Modal opened onClose={() => setRotated(null)} title={t('outgoingWebhooks.secret.rotatedTitle')} size="lg">
          <SecretOnce secret={rotated.secret} onDone={() => setRotated(null)} />
        </Modal>
      )}
      {deleting && <DeleteModal webhook={webhook} onClose={() => setDeleting(false)} />}
    </Paper>
  );
}

function DeleteModal({ webhook, onClose }: { webhook: OutgoingWebhook; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useWebhookErrorText();
  const api = useOutgoingWebhooksApi();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.remove(webhook.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: outgoingWebhooksQueryKey });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('outgoingWebhooks.delete.title')}>
      <Stack gap="md">
        <Text size="sm">{t('outgoingWebhooks.delete.body')}</Text>
        <Code style={{ wordBreak: 'break-all' }}>{webhook.url}</Code>
        {remove.isError && <Alert color="red">{errorText(remove.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            {t('outgoingWebhooks.delete.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
