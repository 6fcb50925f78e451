import { Box, Group, NavLink, ScrollArea, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { settingsSections } from './settingsSections.ts';

/**
 * Every settings screen inside one frame: a side nav on wide screens, a row of scrollable tabs on phones,
 * so channels, hours and SLA, absence, greetings, surveys, rules, saved replies and staffing are one click apart.
 */
export function SettingsLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const links = settingsSections.map((section) => (
    <NavLink
      key={section.key}
      component={Link}
      to={section.path}
      label={t(`settings.sections.${section.key}`)}
      active={pathname.startsWith(section.path)}
      data-testid={`settings-nav-${section.key}`}
      style={{ whiteSpace: 'nowrap' }}
    />
  ));

  return (
    <Group align="flex-start" gap="lg" wrap="nowrap" className="settings-layout">
      <Box component="nav" aria-label={t('settings.sectionsLabel')} w={220} visibleFrom="md" data-testid="settings-nav">
        <Title order={2} size="h5" mb="xs" px="sm">
          {t('settings.title')}
        </Title>
        <Stack gap={0}>{links}</Stack>
      </Box>
      <Box miw={0} style={{ flex: 1 }}>
        <ScrollArea hiddenFrom="md" type="never" mb="sm">
          <Group component="nav" aria-label={t('settings.sectionsLabel')} gap={0} wrap="nowrap">
            {links}
          </Group>
        </ScrollArea>
        <Outlet />
      </Box>
    </Group>
  );
}
