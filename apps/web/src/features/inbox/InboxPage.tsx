import {
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Paper,
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
  type BulkAction,
  type CaseSummary,
  type CaseView,
  type ViewCounts,
} from '@guichet/contracts';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { useSession } from '../auth/session.ts';
import { BulkBar } from './BulkBar.tsx';
import { CaseRow } from './CaseRow.tsx';
import { InboxFilters } from './InboxFilters.tsx';
import { PartialScanNotice, scannedSoFar } from './PartialScanNotice.tsx';
import { caseListParams, isFiltered, readInboxFilters } from './inboxParams.ts';

export { useDirectory } from './useDirectory.ts';

const pageSize = 50;
// Realtime pushes changes; this interval only catches what a dropped socket missed.
const safetyNetRefetchMs = 15_000;
/** The tabs, in the order an agent works through them. */
const viewOrder: CaseView[] = [
  'mine',
  'unassigned',
  'all',
  'complaints',
  'breaching_soon',
  'breached',
  'snoozed',
  'resolved',
];

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

/**
 * The address's parameters as they are now, not as of the last render: the router re-renders in a transition,
 * so two quick changes (a first day, then a last day) would otherwise both start from the same stale address
 * and the second would undo the first.
 */
function addressParamsNow(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

/** The search box; shorter searches are refused by the server (no index serves them), so it says so. */
function useSearchWords(searchParams: URLSearchParams, setSearchParams: ReturnType<typeof useSearchParams>[1]) {
  const [search, setSearch] = useState(searchParams.get('q') ?? '');
  const [typed] = useDebouncedValue(search.trim(), 300);
  const q = [...typed].length >= caseSearchMinLength ? typed : '';
  useEffect(() => {
    if ((searchParams.get('q') ?? '') === q) return;
    const next = addressParamsNow();
    if (q) next.set('q', q);
    else next.delete('q');
    setSearchParams(next, { replace: true });
  }, [q, searchParams, setSearchParams]);
  return { search, setSearch, q, tooShort: typed !== '' && q === '' };
}

export function InboxPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('inbox.title')} · ${t('app.name')}`);
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession().data;
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readInboxFilters(searchParams);
  const { search, setSearch, q, tooShort } = useSearchWords(searchParams, setSearchParams);

  const setParam = (key: string, value: string | null | undefined) => {
    const next = addressParamsNow();
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };

  const params = caseListParams(filters, q);
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
  const scanned = cases.data ? scannedSoFar(cases.data.pages) : null;
  const keepSearching =
    scanned === null ? null : (
      <PartialScanNotice
        scanned={scanned}
        sort={params.sort ?? 'newest'}
        loading={cases.isFetchingNextPage}
        onKeepSearching={() => void cases.fetchNextPage()}
      />
    );

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
          description={tooShort ? t('inboxSearch.tooShort') : undefined}
          rightSection={
            search ? <CloseButton aria-label={t('inbox.clearSearch')} onClick={() => setSearch('')} /> : null
          }
          w={{ base: '100%', sm: 280 }}
          data-testid="inbox-search"
        />
      </Group>

      <ViewTabs
        view={filters.view}
        counts={overview.data?.counts}
        onChange={(value) => {
          setActiveIndex(0);
          setSelected(new Set());
          setParam('view', value === 'all' ? null : value);
        }}
      />
      <InboxFilters filters={filters} channels={overview.data?.channels ?? []} setParam={setParam} />

      {selectedIds.length > 0 && (
        <BulkBar selectedIds={selectedIds} run={(input) => bulk.mutate(input)} onClear={() => setSelected(new Set())} />
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
        (keepSearching ?? <EmptyInbox filtered={isFiltered(filters, q) || filters.view !== 'all'} />)
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
          {keepSearching ??
            (cases.hasNextPage && (
              <Button
                variant="default"
                onClick={() => void cases.fetchNextPage()}
                loading={cases.isFetchingNextPage}
                mx="auto"
              >
                {t('common.loadMore')}
              </Button>
            ))}
          <Text size="xs" c="dimmed" ta="center" visibleFrom="sm">
            {t('inbox.keyboardHint')}
          </Text>
        </Stack>
      )}
    </Stack>
  );
}

function ViewTabs({
  view,
  counts,
  onChange,
}: {
  view: CaseView;
  counts: ViewCounts | undefined;
  onChange: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <Tabs value={view} onChange={onChange} keepMounted={false}>
      <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto' }} aria-label={t('inbox.viewsLabel')}>
        {viewOrder.map((value) => (
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
  );
}

function EmptyInbox({ filtered }: { filtered: boolean }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="xl" ta="center" data-testid="inbox-empty">
      {filtered ? (
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
  );
}
