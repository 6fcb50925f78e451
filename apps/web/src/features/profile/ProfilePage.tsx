import { Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { teamQueryKeys, useTeamApi } from '../team/teamApi.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { SessionsPanel } from './SessionsPanel.tsx';

/** Every agent's own page: who they are to customers and colleagues, their password, their sessions. */
export function ProfilePage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('profile.title')} · ${t('app.name')}`);
  const api = useTeamApi();
  const profile = useQuery({ queryKey: teamQueryKeys.profile, queryFn: ({ signal }) => api.profile(signal) });

  return (
    <Stack p="md" maw={900} mx="auto" gap="lg" data-testid="profile-page">
      <Title order={2}>{t('profile.title')}</Title>
      {profile.isPending ? (
        <CenteredLoader />
      ) : profile.isError ? (
        <ErrorState title={t('profile.loadError')} error={profile.error} onRetry={() => void profile.refetch()} />
      ) : (
        <ProfileForm key={profile.data.id} profile={profile.data} />
      )}
      <ChangePasswordForm />
      <SessionsPanel />
    </Stack>
  );
}
