import { Badge } from '@mantine/core';
import type { CaseStatus } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';

const colors: Record<CaseStatus, string> = {
  open: 'blue',
  pending: 'yellow',
  snoozed: 'grape',
  resolved: 'green',
};

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={colors[status]} variant="light" data-status={status} style={{ flexShrink: 0 }}>
      {t(`status.${status}`)}
    </Badge>
  );
}
