import { Anchor, Badge, Burger, Divider, Drawer, Group, NavLink, ScrollArea, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { SessionInfo } from '@guichet/contracts';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useApprovals, useCanReview } from '../features/approvals/useApprovals.ts';
import { isSettingsPath, settingsSections } from '../features/settings/settingsSections.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

interface NavItem {
  key: string;
  to: string;
  label: string;
  active: boolean;
}

/** The screens every agent moves between; settings sections sit under one "Settings" entry. */
function useNavItems(session: SessionInfo): NavItem[] {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const item = (key: string, to: string, label: string): NavItem => ({
    key,
    to,
    label,
    active: to === '/' ? pathname === '/' || pathname.startsWith('/cases') : pathname.startsWith(to),
  });
  return [
    item('calendar', '/calendar', t('scheduledPosts.nav')),
    item('incidents', '/incidents', t('incidents.nav')),
    item('reports', '/reports', t('reports.nav')),
    { ...item('settings', '/settings', t('nav.settings')), active: isSettingsPath(pathname) },
    ...(session.agent.role === 'admin' ? [item('admin', '/admin', t('admin.nav'))] : []),
  ];
}

/** The header's links on wide screens (hidden on phones and small tablets, where the burger opens the drawer). */
export function InlineNav({ session }: { session: SessionInfo }) {
  const items = useNavItems(session);
  return (
    <Group gap="sm" wrap="nowrap" visibleFrom="md" component="nav">
      {items.map((item) => (
        <Anchor
          key={item.key}
          component={Link}
          to={item.to}
          size="sm"
          fw={item.active ? 700 : undefined}
          aria-current={item.active ? 'page' : undefined}
          data-testid={`nav-${item.key}`}
          style={{ whiteSpace: 'nowrap' }}
        >
          {item.label}
        </Anchor>
      ))}
    </Group>
  );
}

/** A burger that opens a drawer with every section, the profile, the language and sign-out (phones). */
export function NavDrawer({ session, signOut }: { session: SessionInfo; signOut: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const items = useNavItems(session);
  const canReview = useCanReview();
  const approvals = useApprovals();
  // Following a link closes the drawer.
  useEffect(close, [pathname, close]);

  const link = (key: string, to: string, label: ReactNode, active: boolean, nested = false) => (
    <NavLink
      key={key}
      component={Link}
      to={to}
      label={label}
      active={active}
      pl={nested ? 'xl' : undefined}
      data-testid={`drawer-${key}`}
    />
  );
  const waiting = approvals.data?.count ?? 0;

  return (
    <>
      <Burger
        opened={opened}
        onClick={toggle}
        hiddenFrom="md"
        size="sm"
        aria-label={t('nav.openMenu')}
        data-testid="nav-burger"
      />
      <Drawer opened={opened} onClose={close} title={t('nav.menu')} size="xs" hiddenFrom="md" data-testid="nav-drawer">
        <ScrollArea.Autosize mah="calc(100dvh - 80px)">
          <Stack gap={0} component="nav" aria-label={t('nav.menu')}>
            {link('inbox', '/', t('nav.inbox'), pathname === '/' || pathname.startsWith('/cases'))}
            {canReview &&
              link(
                'approvals',
                '/approvals',
                <Group gap={6} wrap="nowrap">
                  {t('approvals.nav')}
                  {waiting > 0 && (
                    <Badge size="sm" color="orange">
                      {waiting}
                    </Badge>
                  )}
                </Group>,
                pathname.startsWith('/approvals'),
              )}
            {items.map((item) =>
              item.key === 'settings'
                ? [
                    link(item.key, item.to, item.label, pathname === '/settings'),
                    ...settingsSections.map((section) =>
                      link(
                        `settings-${section.key}`,
                        section.path,
                        t(`settings.sections.${section.key}`),
                        pathname.startsWith(section.path),
                        true,
                      ),
                    ),
                  ]
                : link(item.key, item.to, item.label, item.active),
            )}
            {link('profile', '/profile', t('nav.profile'), pathname.startsWith('/profile'))}
            <Divider my="sm" />
            <Stack gap="sm" px="sm">
              <LanguageSwitch />
              {signOut}
            </Stack>
          </Stack>
        </ScrollArea.Autosize>
      </Drawer>
    </>
  );
}
