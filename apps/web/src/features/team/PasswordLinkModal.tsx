import type { PasswordLink } from '@guichet/contracts';
import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Timestamp } from '../../components/Timestamp.tsx';
import { absoluteLink } from './teamApi.ts';

/**
 * A one-time link (invitation or password reset), shown once: the desk sends no mail, so the admin copies
 * it and passes it on by a channel they trust.
 */
export function PasswordLinkModal({ link, name, onClose }: { link: PasswordLink; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const url = absoluteLink(link);
  return (
    <Modal opened onClose={onClose} title={t(`team.link.title.${link.kind}`, { name })} size="lg">
      <Stack gap="md" data-testid="password-link">
        <Alert color="blue" title={t('team.link.noMailTitle')}>
          {t(`team.link.noMail.${link.kind}`, { name })}
        </Alert>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="password-link-url">
            {url}
          </Code>
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t('team.link.copied') : t('team.link.copy')} withArrow>
                <ActionIcon
                  variant="light"
                  size="lg"
                  color={copied ? 'teal' : 'blue'}
                  onClick={copy}
                  aria-label={t('team.link.copy')}
                  data-testid="password-link-copy"
                >
                  {copied ? '✓' : '⧉'}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          {t('team.link.expires')} <Timestamp value={link.expiresAt} format="datetime" size="sm" />.{' '}
          {t('team.link.once')}
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid="password-link-done">
            {t('team.link.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
