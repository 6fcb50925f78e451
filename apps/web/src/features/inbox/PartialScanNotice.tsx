import { Button, Paper, Stack, Text } from '@mantine/core';
import type { CaseList, CaseSort } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';

/**
 * How many cases a search has looked through when its last page stopped after a bounded scan (a word in
 * too many messages is tested case by case, a window at a time: decision 0015), summed over the pages that
 * stopped so; null when the last page did not stop partway.
 */
export function scannedSoFar(pages: readonly Pick<CaseList, 'partialScan'>[]): number | null {
  if (!pages[pages.length - 1]?.partialScan) return null;
  return pages.reduce((sum, page) => sum + (page.partialScan?.scannedCases ?? 0), 0);
}

/** Says the search stopped partway through the list, and offers to go on from there. */
export function PartialScanNotice({
  scanned,
  sort,
  loading,
  onKeepSearching,
}: {
  scanned: number;
  sort: CaseSort;
  loading: boolean;
  onKeepSearching: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="md" data-testid="inbox-partial-scan">
      <Stack gap="xs" align="center">
        <Text size="sm" c="dimmed" ta="center" role="status">
          {t(sort === 'newest' ? 'inboxSearch.partialNewest' : 'inboxSearch.partialPriority', { count: scanned })}
        </Text>
        <Button variant="default" onClick={onKeepSearching} loading={loading}>
          {t('inboxSearch.keepSearching')}
        </Button>
      </Stack>
    </Paper>
  );
}
