import { Code, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';

/** A signing secret, shown once, with how a receiver checks the signature. */
export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <OneTimeSecret
      secret={secret}
      warningTitle={t('outgoingWebhooks.secret.warningTitle')}
      warning={t('outgoingWebhooks.secret.warning')}
      copyLabel={t('outgoingWebhooks.secret.copy')}
      copiedLabel={t('outgoingWebhooks.secret.copied')}
      doneLabel={t('outgoingWebhooks.secret.done')}
      onDone={onDone}
      testIds={{
        root: 'webhook-secret-once',
        secret: 'webhook-secret',
        copy: 'webhook-secret-copy',
        done: 'webhook-secret-done',
      }}
    >
      <Text size="sm">{t('outgoingWebhooks.secret.verify')}</Text>
      <Code block>
        {'x-guichet-signature: t=<unix>,v1=<hex>\nv1 == HMAC-SHA256(secret, t + "." + body)   // and |now - t| < 5 min'}
      </Code>
    </OneTimeSecret>
  );
}
