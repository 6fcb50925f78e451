import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  List,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ChannelList, ChannelSummary } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { useSession } from '../auth/session.ts';
import { channelsQueryKey, formatUsd, useChannels, useChannelsApi } from './channelsApi.ts';
import { AccountChecklistPanel } from './AccountChecklist.tsx';
import { ConnectPanel } from './ConnectPanel.tsx';

const STATUS_COLOR = { active: 'green', paused: 'gray', failing: 'red' } as const;
const BUDGET_COLOR = { ok: 'green', tight: 'orange', exhausted: 'red' } as const;

/** Connected X accounts: health, spend and budget, searches, mute words; leads and admins edit, agents read. */
export function ChannelsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('channels.title')} · ${t('app.name')}`);
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const channels = useChannels();
  const [params, setParams] = useSearchParams();

  if (channels.isPending) return <CenteredLoader />;
  if (channels.isError)
    return (
      <ErrorState title={t('channels.loadFailed')} error={channels.error} onRetry={() => void channels.refetch()} />
    );
  const data = channels.data;
  const connected = params.get('connected');
  const oauth2Error = params.get('oauth2') === 'error' ? (params.get('reason') ?? '') : null;
  const dismiss = () => setParams({}, { replace: true });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('channels.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('channels.intro')}
      </Text>
      {!canEdit && (
        <Alert color="gray" data-testid="channels-read-only">
          {t('channels.readOnly')}
        </Alert>
      )}
      {connected && (
        <Alert color="green" withCloseButton onClose={dismiss} data-testid="channels-connected">
          {t('channels.connect.done', {
            handle: data.channels.find((c) => c.id === connected)?.handle ?? '?',
          })}
        </Alert>
      )}
      {oauth2Error !== null && (
        <Alert color="red" withCloseButton onClose={dismiss} title={t('channels.connect.failed')}>
          {oauth2Error === 'access_denied'
            ? t('channels.connect.denied')
            : oauth2Error === 'state_mismatch'
              ? t('channels.connect.stateMismatch')
              : oauth2Error}
        </Alert>
      )}
      {data.channels.map((channel) => (
        <ChannelCard key={channel.id} channel={channel} prices={data.prices} canEdit={canEdit} />
      ))}
      {/* Connecting accounts hands over credentials: the admin's call (the server refuses leads too). */}
      {role === 'admin' && <ConnectPanel connect={data.connect} />}
    </Stack>
  );
}

function ChannelCard({
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
        <Badge size="lg" color={BUDGET_COLOR[spend.budgetState]} variant="light" data-testid="channel-budget-state">
          {t(`channels.budget.state.${spend.budgetState}`)}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {t(`channels.budget.explain.${spend.budgetState}`)}
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

function SearchesSection({ channel, canEdit }: { channel: ChannelSummary; canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey });
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const add = useMutation({
    mutationFn: () => api.addSearch(channel.id, { name, query }),
    onSuccess: () => {
      setName('');
      setQuery('');
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.deleteSearch(channel.id, id), onSuccess: refresh });

  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('channels.searches.title')}
      </Title>
      {channel.searches.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('channels.searches.empty')}
        </Text>
      ) : (
        <Stack gap={4}>
          {channel.searches.map((search) => (
            <Group key={search.id} gap="xs" wrap="nowrap" data-testid="channel-search">
              <Text size="sm" fw={600}>
                {search.name}
              </Text>
              <Code>{search.query}</Code>
              {canEdit && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('channels.searches.delete', { name: search.name })}
                  onClick={() => remove.mutate(search.id)}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {canEdit && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
        >
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput
              label={t('channels.searches.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={100}
              w={200}
              data-testid="search-name"
            />
            <TextInput
              label={t('channels.searches.query')}
              placeholder={`acme (panne OR outage) -from:${channel.handle} -is:retweet lang:fr`}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              required
              maxLength={512}
              style={{ flex: 1, minWidth: 260 }}
              data-testid="search-query"
            />
            <Button type="submit" loading={add.isPending} data-testid="search-add">
              {t('channels.searches.add')}
            </Button>
          </Group>
          {add.isError && (
            <Text size="sm" c="red" mt={4}>
              {t(errorMessageKey(add.error))}
            </Text>
          )}
        </form>
      )}
      <Text size="xs" c="dimmed" component="div">
        {t('channels.searches.help')}
        <List size="xs" mt={2}>
          <List.Item>
            <Code>acme outage</Code> — {t('channels.searches.helpAnd')}
          </List.Item>
          <List.Item>
            <Code>(panne OR outage)</Code> — {t('channels.searches.helpOr')}
          </List.Item>
          <List.Item>
            <Code>"acme box"</Code> — {t('channels.searches.helpPhrase')}
          </List.Item>
          <List.Item>
            <Code>-from:{channel.handle}</Code> <Code>-is:retweet</Code> — {t('channels.searches.helpExclude')}
          </List.Item>
          <List.Item>
            <Code>lang:fr</Code> — {t('channels.searches.helpLang')}
          </List.Item>
        </List>
      </Text>
    </Stack>
  );
}

function MuteWordsSection({ channel, canEdit }: { channel: ChannelSummary; canEdit: boolean }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const [words, setWords] = useState<string[]>(channel.muteWords);
  const save = useMutation({
    mutationFn: () => api.update(channel.id, { muteWords: words }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
  });
  const changed = words.join('\n') !== channel.muteWords.join('\n');
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('channels.muteWords.title')}
      </Title>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TagsInput
          description={t('channels.muteWords.help')}
          placeholder={canEdit ? t('channels.muteWords.placeholder') : undefined}
          value={words}
          onChange={setWords}
          disabled={!canEdit}
          maxTags={200}
          style={{ flex: 1, minWidth: 260 }}
          aria-label={t('channels.muteWords.title')}
          data-testid="mute-words"
        />
        {canEdit && (
          <Button onClick={() => save.mutate()} disabled={!changed} loading={save.isPending} data-testid="mute-save">
            {t('channels.save')}
          </Button>
        )}
      </Group>
      {save.isError && (
        <Text size="sm" c="red">
          {t(errorMessageKey(save.error))}
        </Text>
      )}
    </Stack>
  );
}
