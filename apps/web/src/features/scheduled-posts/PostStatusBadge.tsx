import type { ScheduledPostStatus } from '@guichet/contracts';
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colors: Record<ScheduledPostStatus, string> = {
  scheduled: 'blue',
  sending: 'yellow',
  sent: 'green',
  failed: 'red',
  cancelled: 'gray',
};

export function PostStatusBadge({ status, size = 'sm' }: { status: ScheduledPostStatus; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  return (
    <Badge color={colors[status]} variant="light" size={size} data-testid="post-status">
      {t(`scheduledPosts.status.${status}`)}
    </Badge>
  );
}
