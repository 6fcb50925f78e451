import { Alert, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { useSession } from '../auth/session.ts';
import { useChannels } from './channelsApi.ts';
import { ChannelCard } from './ChannelCard.tsx';
import { ConnectPanel } from './ConnectPanel.tsx';

/** Connected X accounts: health, spend and budget, searches, mute words; leads and admins edit, agents read. */
export function ChannelsPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('channels.title')} · ${t('app.name')}`);
  const role = useSession().data?.agent.role;
  const canEdit = role === 'admin' || role === 'lead';
  const channels = useChannels();
  const [params, setParams] = useSearchParams();

  if (channels.isPending) return <CenteredLoader />;
  if (channels.isError)
    return (
      <ErrorState title={t('channels.loadFailed')} error={channels.error} onRetry={() => void channels.refetch()} />
    );
  const data = channels.data;
  const connected = params.get('connected');
  const oauth2Error = params.get('oauth2') === 'error' ? (params.get('reason') ?? '') : null;
  const dismiss = () => setParams({}, { replace: true });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('channels.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('channels.intro')}
      </Text>
      {!canEdit && (
        <Alert color="gray" data-testid="channels-read-only">
          {t('channels.readOnly')}
        </Alert>
      )}
      {connected && (
        <Alert color="green" withCloseButton onClose={dismiss} data-testid="channels-connected">
          {t('channels.connect.done', {
            handle: data.channels.find((c) => c.id === connected)?.handle ?? '?',
          })}
        </Alert>
      )}
      {oauth2Error !== null && (
        <Alert color="red" withCloseButton onClose={dismiss} title={t('channels.connect.failed')}>
          {oauth2Error === 'access_denied'
            ? t('channels.connect.denied')
            : oauth2Error === 'state_mismatch'
              ? t('channels.connect.stateMismatch')
              : oauth2Error}
        </Alert>
      )}
      {data.channels.map((channel) => (
        <ChannelCard key={channel.id} channel={channel} prices={data.prices} canEdit={canEdit} />
      ))}
      {/* Connecting accounts hands over credentials: the admin's call (the server refuses leads too). */}
      {role === 'admin' && <ConnectPanel connect={data.connect} />}
    </Stack>
  );
}
