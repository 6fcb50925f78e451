import {
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Group,
  MultiSelect,
  Paper,
  Select,
  Skeleton,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDocumentTitle, useHotkeys } from '@mantine/hooks';
import {
  caseSearchMinLength,
  caseStatusSchema,
  caseViewSchema,
  messageTypeSchema,
  type BulkAction,
  type CaseStatus,
  type CaseSummary,
  type CaseView,
} from '@guichet/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import type { CaseListParams } from '../../api/guichetApi.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { useSession } from '../auth/session.ts';
import { CaseRow } from './CaseRow.tsx';

const pageSize = 50;
/** The languages offered by the language filter, named in the agent's own language. */
const filterLanguages = ['fr', 'en', 'es', 'de', 'it', 'pt', 'nl', 'ar'] as const;

function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
// Realtime pushes changes; this interval only catches what a dropped socket missed.
const safetyNetRefetchMs = 15_000;

function uniqueCases(pages: readonly { cases: CaseSummary[] }[]): CaseSummary[] {
  // A case whose activity changed between two page loads can appear on both pages.
  const seen = new Set<string>();
  const cases: CaseSummary[] = [];
  for (const page of pages) {
    for (const summary of page.cases) {
      if (seen.has(summary.id)) continue;
      seen.add(summary.id);
      cases.push(summary);
    }
  }
  return cases;
}

export function useDirectory() {
  const api = useApi();
  const agents = useQuery({ queryKey: queryKeys.agents, queryFn: ({ signal }) => api.listAgents(signal) });
  const teams = useQuery({ queryKey: queryKeys.teams, queryFn: ({ signal }) => api.listTeams(signal) });
  const tags = useQuery({ queryKey: queryKeys.tags, queryFn: ({ signal }) => api.listTags(signal) });
  return { agents: agents.data?.agents ?? [], teams: teams.data?.teams ?? [], tags: tags.data?.tags ?? [] };
}

export function InboxPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(`${t('inbox.title')} · ${t('app.name')}`);
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession().data;
  const directory = useDirectory();
  const [searchParams, setSearchParams] = useSearchParams();
  const parsedView = caseViewSchema.safeParse(searchParams.get('view'));
  const view: CaseView = parsedView.success ? parsedView.data : 'all';
  const parsedStatus = caseStatusSchema.safeParse(searchParams.get('status'));
  const status: CaseStatus | undefined = parsedStatus.success ? parsedStatus.data : undefined;
  const assigneeId = searchParams.get('assignee') ?? undefined;
  const tagId = searchParams.get('tag') ?? undefined;
  const channelId = searchParams.get('channel') ?? undefined;
  const teamId = searchParams.get('team') ?? undefined;
  const parsedType = messageTypeSchema.safeParse(searchParams.get('type'));
  const type = parsedType.success ? parsedType.data : undefined;
  const priorities = (searchParams.get('priority') ?? '').split(',').filter((value) => /^[1-4]$/.test(value));
  const language = filterLanguages.find((code) => code === searchParams.get('language'));
  const [search, setSearch] = useState(searchParams.get('q') ?? '');
  const [typed] = useDebouncedValue(search.trim(), 300);
  // Shorter searches are refused by the server (no index serves them): say so instead of asking.
  const q = [...typed].length >= caseSearchMinLength ? typed : '';
  const searchTooShort = typed !== '' && q === '';

  const setParam = (key: string, value: string | null | undefined) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };
  useEffect(() => {
    if ((searchParams.get('q') ?? '') === q) return;
    const next = new URLSearchParams(searchParams);
    if (q) next.set('q', q);
    else next.delete('q');
    setSearchParams(next, { replace: true });
  }, [q, searchParams, setSearchParams]);

  const params: CaseListParams = {
    view,
    status,
    assigneeId,
    tagId,
    channelId,
    teamId,
    type,
    priority: priorities.length > 0 ? priorities.join(',') : undefined,
    language,
    q: q || undefined,
    // The work queue: the most urgent, then the longest waiting; finished work: the latest first.
    sort: view === 'resolved' ? 'newest' : 'priority',
  };
  const cases = useInfiniteQuery({
    queryKey: queryKeys.caseList(params),
    queryFn: ({ pageParam, signal }) => api.listCases({ ...params, limit: pageSize, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    refetchInterval: safetyNetRefetchMs,
  });
  const overview = useQuery({
    queryKey: queryKeys.overview,
    queryFn: ({ signal }) => api.getQueueOverview(signal),
    refetchInterval: safetyNetRefetchMs,
  });
  const list = cases.data ? uniqueCases(cases.data.pages) : [];

  // Keyboard: j/k move, Enter opens, a assigns to me, e resolves the highlighted case.
  const [activeIndex, setActiveIndex] = useState(0);
  const active = list[Math.min(activeIndex, list.length - 1)];
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    listRef.current?.querySelector('[data-active]')?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const selectedIds = list.filter((summary) => selected.has(summary.id)).map((summary) => summary.id);

  const bulk = useMutation({
    mutationFn: (input: { caseIds: string[]; action: BulkAction }) => api.bulk(input),
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: queryKeys.cases });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
    },
  });
  const runOnActive = (action: BulkAction) => {
    if (active) bulk.mutate({ caseIds: [active.id], action });
  };
  useHotkeys([
    ['j', () => setActiveIndex((index) => Math.min(index + 1, Math.max(list.length - 1, 0)))],
    ['k', () => setActiveIndex((index) => Math.max(index - 1, 0))],
    ['Enter', () => active && void navigate(`/cases/${encodeURIComponent(active.id)}`)],
    ['a', () => session && runOnActive({ type: 'assign', agentId: session.agent.id })],
    ['e', () => runOnActive({ type: 'resolve' })],
  ]);

  const [bulkTag, setBulkTag] = useState('');
  const counts = overview.data?.counts;
  const filtered =
    status !== undefined ||
    !!assigneeId ||
    !!tagId ||
    !!channelId ||
    !!teamId ||
    !!type ||
    priorities.length > 0 ||
    !!language ||
    !!q;
  const channels = overview.data?.channels ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" gap="sm">
        <Title order={1} size="h2">
          {t('inbox.title')}
        </Title>
        <TextInput
          type="search"
          aria-label={t('inbox.search')}
          placeholder={t('inbox.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          description={searchTooShort ? t('inboxSearch.tooShort') : undefined}
          rightSection={
            search ? <CloseButton aria-label={t('inbox.clearSearch')} onClick={() => setSearch('')} /> : null
          }
          w={{ base: '100%', sm: 280 }}
          data-testid="inbox-search"
        />
      </Group>

      <Tabs
        value={view}
        onChange={(value) => {
          setActiveIndex(0);
          setSelected(new Set());
          setParam('view', value === 'all' ? null : value);
        }}
        keepMounted={false}
      >
        <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto' }} aria-label={t('inbox.viewsLabel')}>
          {caseViewSchema.options.map((value) => (
            <Tabs.Tab
              key={value}
              value={value}
              data-testid={`view-${value}`}
              rightSection={
                counts ? (
                  <Badge size="xs" variant="light" circle={counts[value] < 10} data-testid={`view-count-${value}`}>
                    {counts[value]}
                  </Badge>
                ) : null
              }
            >
              {t(value === 'breaching_soon' || value === 'breached' ? `sla.views.${value}` : `inbox.views.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>

      <Group gap="xs" wrap="wrap">
        <FilterSelect
          label={t('inbox.filters.status')}
          width={140}
          value={status}
          data={caseStatusSchema.options.map((value) => ({ value, label: t(`status.${value}`) }))}
          onChange={(value) => setParam('status', value)}
          testId="filter-status"
        />
        <FilterSelect
          label={t('inbox.filters.assignee')}
          width={170}
          searchable
          value={assigneeId}
          data={directory.agents.map((agent) => ({ value: agent.id, label: agent.name }))}
          onChange={(value) => setParam('assignee', value)}
        />
        <FilterSelect
          label={t('inbox.filters.tag')}
          width={150}
          searchable
          value={tagId}
          data={directory.tags.map((tag) => ({ value: tag.id, label: tag.name }))}
          onChange={(value) => setParam('tag', value)}
          testId="filter-tag"
        />
        <FilterSelect
          label={t('inbox.filters.type')}
          width={140}
          value={type}
          data={messageTypeSchema.options.map((value) => ({ value, label: t(`triage.type.${value}`) }))}
          onChange={(value) => setParam('type', value)}
          testId="filter-type"
        />
        <MultiSelect
          size="xs"
          miw={140}
          maw={220}
          aria-label={t('inbox.filters.priority')}
          placeholder={priorities.length > 0 ? undefined : t('inbox.filters.priority')}
          clearable
          value={priorities}
          data={['1', '2', '3', '4'].map((value) => ({ value, label: t('inbox.priority', { value }) }))}
          onChange={(values) => setParam('priority', [...values].sort().join(','))}
          data-testid="filter-priority"
        />
        <FilterSelect
          label={t('inbox.filters.language')}
          width={150}
          searchable
          value={language}
          data={filterLanguages.map((code) => ({ value: code, label: languageName(code, i18n.language) }))}
          onChange={(value) => setParam('language', value)}
          testId="filter-language"
        />
        {directory.teams.length > 0 && (
          <FilterSelect
            label={t('inbox.filters.team')}
            width={160}
            searchable
            value={teamId}
            data={directory.teams.map((team) => ({ value: team.id, label: team.name }))}
            onChange={(value) => setParam('team', value)}
            testId="filter-team"
          />
        )}
        {channels.length > 1 && (
          <FilterSelect
            label={t('inbox.filters.channel')}
            width={170}
            value={channelId}
            data={channels.map((channel) => ({ value: channel.id, label: `@${channel.handle}` }))}
            onChange={(value) => setParam('channel', value)}
          />
        )}
      </Group>

      {selectedIds.length > 0 && (
        <Paper withBorder p="xs" radius="md" data-testid="bulk-bar">
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {t('inbox.bulk.selected', { count: selectedIds.length })}
            </Text>
            {session && (
              <Button
                size="xs"
                variant="default"
                onClick={() =>
                  bulk.mutate({ caseIds: selectedIds, action: { type: 'assign', agentId: session.agent.id } })
                }
              >
                {t('inbox.bulk.assignToMe')}
              </Button>
            )}
            <Select
              size="xs"
              w={170}
              aria-label={t('inbox.bulk.assignTo')}
              placeholder={t('inbox.bulk.assignTo')}
              data={directory.agents.map((agent) => ({ value: agent.id, label: agent.name }))}
              value={null}
              onChange={(value) =>
                value && bulk.mutate({ caseIds: selectedIds, action: { type: 'assign', agentId: value } })
              }
            />
            <Group gap={4} wrap="nowrap">
              <TextInput
                size="xs"
                w={130}
                aria-label={t('inbox.bulk.tagName')}
                placeholder={t('inbox.bulk.tagName')}
                value={bulkTag}
                onChange={(event) => setBulkTag(event.currentTarget.value)}
              />
              <Button
                size="xs"
                variant="default"
                disabled={!bulkTag.trim()}
                onClick={() => {
                  bulk.mutate({ caseIds: selectedIds, action: { type: 'tag', name: bulkTag.trim() } });
                  setBulkTag('');
                }}
              >
                {t('inbox.bulk.tag')}
              </Button>
            </Group>
            <Button
              size="xs"
              color="green"
              onClick={() => bulk.mutate({ caseIds: selectedIds, action: { type: 'resolve' } })}
              data-testid="bulk-resolve"
            >
              {t('inbox.bulk.resolve')}
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
              {t('inbox.bulk.clear')}
            </Button>
          </Group>
        </Paper>
      )}
      {bulk.isError && (
        <Text c="red.7" size="sm" role="alert">
          {t(errorMessageKey(bulk.error))}
        </Text>
      )}

      {cases.isPending ? (
        <Stack gap="xs" aria-busy="true" aria-label={t('common.loading')}>
          {[0, 1, 2, 3].map((index) => (
            <Skeleton key={index} height={72} radius="md" />
          ))}
        </Stack>
      ) : cases.isError ? (
        <ErrorState title={t('inbox.loadError')} error={cases.error} onRetry={() => void cases.refetch()} />
      ) : list.length === 0 ? (
        <Paper withBorder radius="md" p="xl" ta="center" data-testid="inbox-empty">
          {filtered || view !== 'all' ? (
            <Text c="dimmed">{t('inbox.emptyFiltered')}</Text>
          ) : (
            <Stack gap="xs" align="center">
              <Title order={2} size="h4">
                {t('inbox.emptyTitle')}
              </Title>
              <Text c="dimmed" maw={440}>
                {t('inbox.emptyBody')}
              </Text>
            </Stack>
          )}
        </Paper>
      ) : (
        <Stack gap="xs">
          <Stack component="ul" gap="xs" className="plain-list" aria-label={t('inbox.listLabel')} ref={listRef}>
            {list.map((summary, index) => (
              <Group component="li" key={summary.id} gap="xs" wrap="nowrap" align="center">
                <Checkbox
                  aria-label={t('inbox.bulk.select', { name: summary.contact.name })}
                  checked={selected.has(summary.id)}
                  onChange={(event) => {
                    const next = new Set(selected);
                    if (event.currentTarget.checked) next.add(summary.id);
                    else next.delete(summary.id);
                    setSelected(next);
                  }}
                  data-testid="case-select"
                />
                <div style={{ flex: 1, minWidth: 0 }}>
                  <CaseRow summary={summary} active={active?.id === summary.id && index === activeIndex} />
                </div>
              </Group>
            ))}
          </Stack>
          {cases.hasNextPage && (
            <Button
              variant="default"
              onClick={() => void cases.fetchNextPage()}
              loading={cases.isFetchingNextPage}
              mx="auto"
            >
              {t('common.loadMore')}
            </Button>
          )}
          <Text size="xs" c="dimmed" ta="center" visibleFrom="sm">
            {t('inbox.keyboardHint')}
          </Text>
        </Stack>
      )}
    </Stack>
  );
}

/** One compact, clearable filter of the case list; its name is both placeholder and accessible label. */
function FilterSelect({
  label,
  width,
  searchable,
  value,
  data,
  onChange,
  testId,
}: {
  label: string;
  width: number;
  searchable?: boolean;
  value: string | undefined;
  data: { value: string; label: string }[];
  onChange: (value: string | null) => void;
  testId?: string;
}) {
  return (
    <Select
      size="xs"
      w={width}
      aria-label={label}
      placeholder={label}
      clearable
      searchable={searchable}
      value={value ?? null}
      data={data}
      onChange={onChange}
      data-testid={testId}
    />
  );
}
