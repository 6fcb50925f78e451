import { Alert, Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { currentLanguage } from '../../i18n/index.ts';
import { formatFullDateTime } from '../../i18n/relativeTime.ts';
import { useAbsenceOverview } from './absenceApi.ts';

/** Shown on every screen of the desk while an away period is under way: customers get the away message. */
export function AbsenceBanner() {
  const { t } = useTranslation();
  const location = useLocation();
  const overview = useAbsenceOverview();
  const active = overview.data?.active;
  if (!active) return null;
  return (
    <Alert color="violet" variant="filled" radius={0} py={6} role="status" data-testid="absence-banner">
      <Text size="sm" fw={600} component="span">
        {t('absence.banner', {
          kind: t(`absence.kinds.${active.kind}` as const),
          until: formatFullDateTime(new Date(active.endsAt), currentLanguage()),
        })}
      </Text>{' '}
      {location.pathname !== '/absence' && (
        <Anchor component={Link} to="/absence" c="white" size="sm" underline="always" data-testid="absence-banner-link">
          {t('absence.bannerOpen')}
        </Anchor>
      )}
    </Alert>
  );
}
