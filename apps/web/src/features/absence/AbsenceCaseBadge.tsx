import { Badge, Tooltip } from '@mantine/core';
import type { CaseEvent } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { formatFullDateTime } from '../../i18n/relativeTime.ts';

/**
 * The case heard from its customer while the team was away (F20): a badge in the case header, so whoever
 * picks it up knows the customer already got the away message and has waited through the absence.
 */
export function AbsenceCaseBadge({ history }: { history: readonly CaseEvent[] }) {
  const { t } = useTranslation();
  const marks = history.filter((event) => event.type === 'case.absence_marked');
  const last = marks[marks.length - 1];
  if (!last) return null;
  const until = typeof last.payload.until === 'string' ? new Date(last.payload.until) : null;
  return (
    <Tooltip
      label={
        until && !Number.isNaN(until.getTime())
          ? t('absence.caseBadgeUntil', { until: formatFullDateTime(until, currentLanguage()) })
          : t('absence.caseBadge')
      }
      withArrow
    >
      <Badge color="violet" variant="light" size="sm" data-testid="case-absence-badge">
        {t('absence.caseBadge')}
      </Badge>
    </Tooltip>
  );
}
