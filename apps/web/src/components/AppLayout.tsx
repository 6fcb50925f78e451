import { Anchor, AppShell, Box, Button, Container, Group, Text } from '@mantine/core';
import type { SessionInfo } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext.tsx';
import { AbsenceBanner } from '../features/absence/AbsenceBanner.tsx';
import { AlertWatcher } from '../features/alerts/AlertWatcher.tsx';
import { ApprovalsNavLink } from '../features/approvals/ApprovalsNavLink.tsx';
import { endSession } from '../features/auth/session.ts';
import { ChannelHealthBanner } from '../features/channels/ChannelHealthBanner.tsx';
import { RealtimeProvider } from '../realtime/RealtimeProvider.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { InlineNav, NavDrawer } from './MainNav.tsx';
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

  const signOutButton = (
    <Button
      size="xs"
      variant="default"
      onClick={() => signOut.mutate()}
      loading={signOut.isPending}
      style={{ flexShrink: 0 }}
      data-testid="sign-out"
    >
      {t('header.signOut')}
    </Button>
  );

  return (
    <RealtimeProvider>
      <AlertWatcher selfId={session.agent.id} />
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
              <ApprovalsNavLink />
              <InlineNav session={session} />
            </Group>
            <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
              <Anchor
                component={Link}
                to="/profile"
                size="sm"
                c="dimmed"
                visibleFrom="md"
                title={t('profile.headerLink', { email: session.agent.email })}
                data-testid="nav-profile"
                style={{ whiteSpace: 'nowrap' }}
              >
                {/* Just the name where the header is tight; the full "Signed in as" from 1200 px. */}
                <Text span size="sm" hiddenFrom="lg" truncate="end" maw={140} display="block">
                  {session.agent.name}
                </Text>
                <Text span size="sm" visibleFrom="lg" display="block">
                  {t('header.signedInAs', { name: session.agent.name })}
                </Text>
              </Anchor>
              <Box w={104} visibleFrom="md">
                <LanguageSwitch />
              </Box>
              <Box visibleFrom="md">{signOutButton}</Box>
              <NavDrawer session={session} signOut={signOutButton} />
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
