import { Alert, Anchor, Text } from '@mantine/core';
import type { CaseDetail } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Where a merged case went, and where a split one came from. */
export function StructureBanner({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  if (detail.mergedIntoCaseId) {
    return (
      <Alert color="gray" data-testid="merged-banner">
        <Text size="sm">
          {t('caseStructure.mergedBanner')}{' '}
          <Anchor component={Link} to={`/cases/${detail.mergedIntoCaseId}`} data-testid="merged-link">
            {t('caseStructure.mergedLink')}
          </Anchor>
        </Text>
      </Alert>
    );
  }
  if (detail.splitFromCaseId) {
    return (
      <Text size="xs" c="dimmed" data-testid="split-from">
        {t('caseStructure.splitFrom')}{' '}
        <Anchor component={Link} to={`/cases/${detail.splitFromCaseId}`} size="xs">
          {t('caseStructure.splitFromLink')}
        </Anchor>
      </Text>
    );
  }
  return null;
}
