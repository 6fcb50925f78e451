import { Anchor, AppShell, Box, Button, Container, Group, Text } from '@mantine/core';
import type { SessionInfo } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext.tsx';
import { AbsenceBanner } from '../features/absence/AbsenceBanner.tsx';
import { ApprovalsNavLink } from '../features/approvals/ApprovalsNavLink.tsx';
import { endSession } from '../features/auth/session.ts';
import { ChannelHealthBanner } from '../features/channels/ChannelHealthBanner.tsx';
import { RealtimeProvider } from '../realtime/RealtimeProvider.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { RealtimeIndicator } from './RealtimeIndicator.tsx';
import { ShortcutSheet } from './ShortcutSheet.tsx';

/** The frame of every signed-in screen: product, agent, live status, language, sign out. */
export function AppLayout({ session, children }: { session: SessionInfo; children: ReactNode }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const signOut = useMutation({
    mutationFn: () => api.signOut(),
    // Even if the server cannot be told, this browser stops showing the previous agent's cases.
    onSettled: () => {
      endSession(queryClient);
      void navigate('/sign-in', { replace: true });
    },
  });

  return (
    <RealtimeProvider>
      <AppShell header={{ height: 56 }} padding={0}>
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="sm" wrap="nowrap" miw={0}>
              <Anchor component={Link} to="/" aria-label={t('header.home')} underline="never" c="inherit">
                <Text fw={800} size="lg">
                  {t('app.name')}
                </Text>
              </Anchor>
              <RealtimeIndicator />
              <Anchor component={Link} to="/templates" size="sm" data-testid="nav-templates" visibleFrom="sm">
                {t('header.templates')}
              </Anchor>
              <ApprovalsNavLink />
              <Anchor component={Link} to="/channels" size="sm" data-testid="nav-channels" visibleFrom="sm">
                {t('channels.nav')}
              </Anchor>
              <Anchor component={Link} to="/sla" size="sm" data-testid="nav-sla" visibleFrom="sm">
                {t('sla.nav')}
              </Anchor>
              <Anchor component={Link} to="/absence" size="sm" data-testid="nav-absence" visibleFrom="sm">
                {t('absence.nav')}
              </Anchor>
              <Anchor component={Link} to="/incidents" size="sm" data-testid="nav-incidents" visibleFrom="sm">
                {t('incidents.nav')}
              </Anchor>
              <Anchor component={Link} to="/calendar" size="sm" data-testid="nav-calendar" visibleFrom="sm">
                {t('scheduledPosts.nav')}
              </Anchor>
              <Anchor component={Link} to="/reports" size="sm" data-testid="nav-reports" visibleFrom="sm">
                {t('reports.nav')}
              </Anchor>
              <Anchor component={Link} to="/rules" size="sm" data-testid="nav-rules" visibleFrom="sm">
                {t('rules.nav')}
              </Anchor>
              {session.agent.role === 'admin' && (
                <Anchor component={Link} to="/admin" size="sm" data-testid="nav-admin" visibleFrom="sm">
                  {t('admin.nav')}
                </Anchor>
              )}
            </Group>
            <Group gap="sm" wrap="nowrap" miw={0}>
              <Anchor
                component={Link}
                to="/profile"
                size="sm"
                c="dimmed"
                truncate="end"
                visibleFrom="sm"
                title={t('profile.headerLink', { email: session.agent.email })}
                data-testid="nav-profile"
              >
                {t('header.signedInAs', { name: session.agent.name })}
              </Anchor>
              <Box w={110}>
                <LanguageSwitch />
              </Box>
              <Button size="xs" variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending}>
                {t('header.signOut')}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Main>
          <ChannelHealthBanner />
          <AbsenceBanner />
          <Container size="xl" px={{ base: 'xs', sm: 'md' }} py="md">
            {children}
          </Container>
          <ShortcutSheet />
        </AppShell.Main>
      </AppShell>
    </RealtimeProvider>
  );
}
