import { Alert, Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { channelsInTrouble, useChannels } from './channelsApi.ts';

/** Shown on every screen of the desk while a channel is failing or silent: customers may be going unheard. */
export function ChannelHealthBanner() {
  const { t } = useTranslation();
  const location = useLocation();
  const channels = useChannels();
  const trouble = channelsInTrouble(channels.data);
  if (trouble.length === 0) return null;
  const first = trouble[0]!;
  const failing = first.status === 'failing';
  return (
    <Alert
      color={failing ? 'red' : 'orange'}
      variant="filled"
      radius={0}
      py={6}
      role="alert"
      data-testid="channel-health-banner"
    >
      <Text size="sm" fw={600} component="span">
        {failing
          ? t('channels.banner.failing', { handle: first.handle, detail: first.statusDetail ?? '' })
          : t('channels.banner.silent', { handle: first.handle })}
        {trouble.length > 1 ? ` ${t('channels.banner.more', { count: trouble.length - 1 })}` : ''}
      </Text>{' '}
      {location.pathname !== '/channels' && (
        <Anchor
          component={Link}
          to="/channels"
          c="white"
          size="sm"
          underline="always"
          data-testid="channel-health-link"
        >
          {t('channels.banner.open')}
        </Anchor>
      )}
    </Alert>
  );
}
