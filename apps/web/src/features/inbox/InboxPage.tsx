import { Box, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { caseStatusSchema, type CaseStatus, type CaseSummary } from '@guichet/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { CaseRow } from './CaseRow.tsx';

const pageSize = 50;
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

export function InboxPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('inbox.title')} · ${t('app.name')}`);
  const api = useApi();
  const [searchParams, setSearchParams] = useSearchParams();
  const parsedStatus = caseStatusSchema.safeParse(searchParams.get('status'));
  const status: CaseStatus | undefined = parsedStatus.success ? parsedStatus.data : undefined;

  const cases = useInfiniteQuery({
    queryKey: queryKeys.caseList(status),
    queryFn: ({ pageParam, signal }) => api.listCases({ status, limit: pageSize, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    refetchInterval: safetyNetRefetchMs,
  });

  const filterOptions = [
    { value: 'all', label: t('inbox.filterAll') },
    ...caseStatusSchema.options.map((value) => ({ value, label: t(`status.${value}`) })),
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" gap="sm">
        <Title order={1} size="h2">
          {t('inbox.title')}
        </Title>
        <Box maw="100%" style={{ overflowX: 'auto' }}>
          <SegmentedControl
            size="xs"
            aria-label={t('inbox.filterLabel')}
            value={status ?? 'all'}
            data={filterOptions}
            onChange={(value) => {
              const next = new URLSearchParams(searchParams);
              if (value === 'all') next.delete('status');
              else next.set('status', value);
              setSearchParams(next, { replace: true });
            }}
          />
        </Box>
      </Group>

      {cases.isPending ? (
        <Stack gap="xs" aria-busy="true" aria-label={t('common.loading')}>
          {[0, 1, 2, 3].map((index) => (
            <Skeleton key={index} height={72} radius="md" />
          ))}
        </Stack>
      ) : cases.isError ? (
        <ErrorState title={t('inbox.loadError')} error={cases.error} onRetry={() => void cases.refetch()} />
      ) : (
        <InboxList
          cases={uniqueCases(cases.data.pages)}
          filtered={status !== undefined}
          hasMore={cases.hasNextPage}
          loadingMore={cases.isFetchingNextPage}
          onLoadMore={() => void cases.fetchNextPage()}
        />
      )}
    </Stack>
  );
}

interface InboxListProps {
  cases: CaseSummary[];
  filtered: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

function InboxList({ cases, filtered, hasMore, loadingMore, onLoadMore }: InboxListProps) {
  const { t } = useTranslation();
  if (cases.length === 0) {
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
  return (
    <Stack gap="xs">
      <Stack component="ul" gap="xs" className="plain-list" aria-label={t('inbox.listLabel')}>
        {cases.map((summary) => (
          <li key={summary.id}>
            <CaseRow summary={summary} />
          </li>
        ))}
      </Stack>
      {hasMore && (
        <Button variant="default" onClick={onLoadMore} loading={loadingMore} mx="auto">
          {t('common.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
