import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { settingsSections } from './settingsSections.ts';

/** The settings area's front page: what each section is for. */
export function SettingsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Title order={1} size="h3">
        {t('settings.title')}
      </Title>
      <Text c="dimmed" size="sm">
        {t('settings.intro')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {settingsSections.map((section) => (
          <Paper key={section.key} withBorder p="sm" data-testid={`settings-card-${section.key}`}>
            <Anchor component={Link} to={section.path} fw={600}>
              {t(`settings.sections.${section.key}`)}
            </Anchor>
            <Text size="sm" c="dimmed">
              {t(`settings.descriptions.${section.key}`)}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
