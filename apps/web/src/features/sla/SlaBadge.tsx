import { Badge, Tooltip } from '@mantine/core';
import { slaBreachingSoonMs, type CaseSla } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { useNow } from '../../components/useNow.ts';
import { formatDuration } from './slaTime.ts';

/** Time left on the case's most urgent SLA clock: green, orange within the breaching-soon window, red past it. */
export function SlaBadge({ sla, size = 'xs' }: { sla: CaseSla | null; size?: 'xs' | 'sm' }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  if (!sla) return null;
  const metric = t(`sla.metric.${sla.metric}`);
  const left = sla.dueAt === null ? (sla.remainingMs ?? 0) : Date.parse(sla.dueAt) - now;
  const d = formatDuration(left);
  const duration = t(`sla.duration.${d.unit}`, {
    value: d.value,
    rest: String(d.rest).padStart(2, '0'),
    count: d.rest,
  });
  const late = sla.state === 'breached' || left <= 0;
  let label: string;
  let color: string;
  if (sla.state === 'paused') {
    label = t('sla.badge.paused', { duration });
    color = 'gray';
  } else if (late) {
    label = t('sla.badge.overdue', { duration });
    color = 'red';
  } else {
    label = t('sla.badge.left', { duration });
    color = left <= slaBreachingSoonMs ? 'orange' : 'teal';
  }
  const due = sla.dueAt
    ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(sla.dueAt))
    : null;
  const tip = [
    metric,
    due ? t('sla.badge.dueAt', { at: due }) : t('sla.badge.pausedTip'),
    sla.businessHours ? t('sla.badge.businessHours') : t('sla.badge.aroundTheClock'),
  ].join(' · ');
  return (
    <Tooltip label={tip} withArrow>
      <Badge
        size={size}
        color={color}
        variant={late ? 'filled' : 'light'}
        data-testid="case-sla"
        data-sla-state={late ? 'breached' : sla.state}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}
