import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { ChannelList, ChannelSummary } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { Timestamp } from '../../components/Timestamp.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { useSession } from '../auth/session.ts';
import { channelsQueryKey, formatUsd, useChannelsApi } from './channelsApi.ts';
import { AccountChecklistPanel } from './AccountChecklist.tsx';
import { MuteWordsSection, SearchesSection } from './ChannelFeedsSections.tsx';
import { DeliveryPathSection } from './DeliveryPathSection.tsx';
import { WebhookDeliverySection } from './WebhookDeliverySection.tsx';

const STATUS_COLOR = { active: 'green', paused: 'gray', failing: 'red' } as const;
const BUDGET_COLOR = { ok: 'green', tight: 'orange', exhausted: 'red' } as const;

/** One connected account: status, health, credentials, spend, searches, mute words, webhooks, set-up checklist. */
export function ChannelCard({
  channel,
  prices,
  canEdit,
}: {
  channel: ChannelSummary;
  prices: ChannelList['prices'];
  canEdit: boolean;
}) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey });
  const update = useMutation({
    mutationFn: (patch: Parameters<typeof api.update>[1]) => api.update(channel.id, patch),
    onSuccess: refresh,
  });
  const failing = channel.status === 'failing';
  const silent = channel.status === 'active' && channel.health.silent;
  const auth = channel.connection.auth;
  const isAdmin = useSession().data?.agent.role === 'admin';

  return (
    <Paper withBorder p="md" radius="md" data-testid="channel-card" data-handle={channel.handle}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Title order={2} size="h4">
              {channel.name}
            </Title>
            <Text c="dimmed">@{channel.handle}</Text>
            <Badge color={STATUS_COLOR[channel.status]} data-testid="channel-status">
              {t(`channels.status.${channel.status}`)}
            </Badge>
            {channel.sandbox && (
              <Badge variant="light" color="grape">
                {t('channels.sandbox')}
              </Badge>
            )}
            {channel.streaming && (
              <Badge variant="light" color="cyan">
                {t('channels.streaming')}
              </Badge>
            )}
          </Group>
          {canEdit && (
            <Button
              size="xs"
              variant={channel.status === 'paused' ? 'filled' : 'default'}
              loading={update.isPending}
              onClick={() => update.mutate({ paused: channel.status !== 'paused' })}
              data-testid="channel-pause"
            >
              {channel.status === 'paused' ? t('channels.resume') : t('channels.pause')}
            </Button>
          )}
        </Group>

        {failing && (
          <Alert color="red" title={t('channels.alarm.failingTitle')} data-testid="channel-alarm">
            <Text size="sm">{t('channels.alarm.failing')}</Text>
            <Code block mt={6}>
              {channel.statusDetail ?? '—'}
            </Code>
          </Alert>
        )}
        {silent && (
          <Alert color="orange" title={t('channels.alarm.silentTitle')} data-testid="channel-alarm">
            {t('channels.alarm.silent')}
          </Alert>
        )}

        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <Fact label={t('channels.health.lastPolled')} value={channel.health.lastPolledAt} />
          <Fact label={t('channels.health.lastInbound')} value={channel.health.lastInboundAt} />
          <div>
            <Text size="xs" c="dimmed">
              {t('channels.credentials.label')}
            </Text>
            <Text size="sm" data-testid="channel-credentials">
              {t(`channels.credentials.source.${channel.connection.source}`)}
              {' · '}
              {auth ? t(`channels.credentials.${auth}`) : t('channels.credentials.none')}
              {channel.connection.appBearer ? ` · ${t('channels.credentials.appBearer')}` : ''}
              {channel.connection.refreshable ? ` · ${t('channels.credentials.refreshable')}` : ''}
            </Text>
          </div>
        </SimpleGrid>

        <SpendSection channel={channel} prices={prices} canEdit={canEdit} />
        <SearchesSection channel={channel} canEdit={canEdit} />
        <MuteWordsSection channel={channel} canEdit={canEdit} />
        <DeliveryPathSection channel={channel} canSwitch={isAdmin} />
        {isAdmin && channel.network === 'x' && <WebhookDeliverySection channel={channel} />}
        {/* Each look reads the profile from X (a billed user read): for those who act on the advice. */}
        {canEdit && channel.network === 'x' && <AccountChecklistPanel channelId={channel.id} />}
      </Stack>
    </Paper>
  );
}

function Fact({ label, value }: { label: string; value: string | null }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {value ? <Timestamp value={value} size="sm" /> : <Text size="sm">{t('channels.health.never')}</Text>}
    </div>
  );
}

function SpendSection({
  channel,
  prices,
  canEdit,
}: {
  channel: ChannelSummary;
  prices: ChannelList['prices'];
  canEdit: boolean;
}) {
  const { t } = useTranslation();
  const locale = currentLanguage();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const spend = channel.spend;
  const [budget, setBudget] = useState<string | number>(spend.budgetUsd ?? '');
  const save = useMutation({
    mutationFn: () => api.update(channel.id, { monthlyBudgetUsd: budget === '' ? null : Number(budget) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
  });
  const used = new Map(spend.byCategory.map((c) => [c.category, c]));
  // Every priced category, the ones used this month first.
  const rows = [...prices].sort((a, b) => (used.get(b.category)?.usd ?? -1) - (used.get(a.category)?.usd ?? -1));

  return (
    <Stack gap="xs" data-testid="channel-spend">
      <Title order={3} size="h5">
        {t('channels.spend.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
        <Stat label={t('channels.spend.today')} value={formatUsd(spend.todayUsd, locale, true)} />
        <Stat label={t('channels.spend.month')} value={formatUsd(spend.monthUsd, locale, true)} />
        <Stat label={t('channels.spend.projected')} value={formatUsd(spend.projectedMonthUsd, locale)} />
      </SimpleGrid>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <NumberInput
          label={t('channels.budget.label')}
          description={t('channels.budget.help')}
          placeholder={t('channels.budget.none')}
          prefix="$"
          min={0}
          max={1_000_000}
          decimalScale={2}
          w={260}
          value={budget}
          onChange={setBudget}
          disabled={!canEdit}
          data-testid="channel-budget"
        />
        {canEdit && (
          <Button size="sm" onClick={() => save.mutate()} loading={save.isPending} data-testid="channel-budget-save">
            {t('channels.save')}
          </Button>
        )}
        {/* Without a budget there is nothing to be within: say so rather than "within budget". */}
        <Badge
          size="lg"
          color={spend.budgetUsd === null ? 'gray' : BUDGET_COLOR[spend.budgetState]}
          variant="light"
          data-testid="channel-budget-state"
        >
          {spend.budgetUsd === null ? t('channels.budget.none') : t(`channels.budget.state.${spend.budgetState}`)}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {t(`channels.budget.explain.${spend.budgetUsd === null ? 'none' : spend.budgetState}`)}
      </Text>
      {save.isError && (
        <Text size="sm" c="red">
          {t(errorMessageKey(save.error))}
        </Text>
      )}
      <Table striped withTableBorder fz="sm" data-testid="channel-spend-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('channels.spend.category')}</Table.Th>
            <Table.Th ta="right">{t('channels.spend.unitPrice')}</Table.Th>
            <Table.Th ta="right">{t('channels.spend.units')}</Table.Th>
            <Table.Th ta="right">{t('channels.spend.cost')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((price) => {
            const row = used.get(price.category);
            return (
              <Table.Tr key={price.category}>
                <Table.Td>{t(`channels.categories.${price.category}`, { defaultValue: price.category })}</Table.Td>
                <Table.Td ta="right">{formatUsd(price.unitPriceUsd, locale, true)}</Table.Td>
                <Table.Td ta="right">{row?.units ?? 0}</Table.Td>
                <Table.Td ta="right">{formatUsd(row?.usd ?? 0, locale, true)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="xs" radius="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Paper>
  );
}
