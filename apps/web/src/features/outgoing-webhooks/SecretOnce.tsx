import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A signing secret, shown once, with how a receiver checks the signature. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md" data-testid="webhook-secret-once">
      <Alert color="orange" title={t('outgoingWebhooks.secret.warningTitle')}>
        {t('outgoingWebhooks.secret.warning')}
      </Alert>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="webhook-secret">
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} data-testid="webhook-secret-copy">
              {copied ? t('outgoingWebhooks.secret.copied') : t('outgoingWebhooks.secret.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text size="sm">{t('outgoingWebhooks.secret.verify')}</Text>
      <Code block>
        {'x-guichet-signature: t=<unix>,v1=<hex>\nv1 == HMAC-SHA256(secret, t + "." + body)   // and |now - t| < 5 min'}
      </Code>
      <Group justify="flex-end">
        <Button onClick={onDone} data-testid="webhook-secret-done">
          {t('outgoingWebhooks.secret.done')}
        </Button>
      </Group>
    </Stack>
  );
}
