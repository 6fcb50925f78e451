import { Container } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { AppLayout } from '../../components/AppLayout.tsx';
import { useSession } from './session.ts';

/** Renders the signed-in screens, or sends the agent to sign-in and back here afterwards. */
export function RequireSession() {
  const { t } = useTranslation();
  const location = useLocation();
  const session = useSession();

  if (session.isPending) return <CenteredLoader />;
  if (session.isError) {
    return (
      <Container size="xs" py="xl">
        <ErrorState title={t('app.name')} error={session.error} onRetry={() => void session.refetch()} />
      </Container>
    );
  }
  if (!session.data) {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return (
    <AppLayout session={session.data}>
      <Outlet />
    </AppLayout>
  );
}
