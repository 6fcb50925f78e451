import { Center, Container, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/**
 * The frame of the pages reached without a session (sign-in, invitation and reset links): the desk's name,
 * one card, and the language switch, since nobody's language setting is known yet.
 */
export function PublicPageFrame({ width, children }: { width: number; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Center mih="100dvh" p="md" component="main">
      <Container size={width} w="100%" p={0}>
        <Stack gap="lg">
          <Stack gap={4} align="center" ta="center">
            <Title order={1}>{t('app.name')}</Title>
            <Text c="dimmed" size="sm">
              {t('app.tagline')}
            </Text>
          </Stack>
          <Paper withBorder shadow="sm" p="lg" radius="md">
            {children}
          </Paper>
          <Center>
            <LanguageSwitch />
          </Center>
        </Stack>
      </Container>
    </Center>
  );
}
