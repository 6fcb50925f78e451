import { Anchor, Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApprovals, useCanReview } from './useApprovals.ts';

/** "Waiting for approval (n)" in the header, for leads and admins; shown on a phone too when replies wait. */
export function ApprovalsNavLink() {
  const { t } = useTranslation();
  const canReview = useCanReview();
  const approvals = useApprovals();
  if (!canReview) return null;
  const count = approvals.data?.count ?? 0;
  return (
    <Anchor
      component={Link}
      to="/approvals"
      size="sm"
      data-testid="nav-approvals"
      visibleFrom={count > 0 ? undefined : 'sm'}
      aria-label={t('approvals.navLabel', { count })}
    >
      <Group gap={4} wrap="nowrap">
        {t('approvals.nav')}
        {count > 0 && (
          <Badge size="sm" color="orange" circle={count < 10} data-testid="approvals-count">
            {count}
          </Badge>
        )}
      </Group>
    </Anchor>
  );
}
