import { outgoingWebhookEventSchema, type OutgoingWebhookEvent } from '@guichet/contracts';
import { Alert, Checkbox, Modal, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CreateForm } from '../../components/CreateForm.tsx';
import { useCreateOnce } from '../../components/useCreateOnce.ts';
import { outgoingWebhooksQueryKey, useOutgoingWebhooksApi } from './outgoingWebhooksApi.ts';
import { SecretOnce } from './SecretOnce.tsx';
import { useWebhookErrorText } from './webhookErrors.ts';

/** URL, events and the private-address allowance; then the signing secret, shown this once. */
export function CreateWebhookModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useWebhookErrorText();
  const api = useOutgoingWebhooksApi();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<OutgoingWebhookEvent[]>(['case.created', 'message.received']);
  const [allowPrivate, setAllowPrivate] = useState(false);
  const { created, create } = useCreateOnce(
    () => api.create({ url: url.trim(), events, allowPrivate }),
    outgoingWebhooksQueryKey,
  );

  return (
    <Modal opened onClose={onClose} title={t('outgoingWebhooks.create.title')} size="lg">
      {created ? (
        <SecretOnce secret={created.secret} onDone={onClose} />
      ) : (
        <CreateForm
          onSubmit={() => create.mutate()}
          onCancel={onClose}
          submitLabel={t('outgoingWebhooks.create.submit')}
          submitting={create.isPending}
          canSubmit={Boolean(url.trim()) && events.length > 0}
          submitTestId="webhook-create-submit"
          error={
            create.isError && (
              <Alert color="red" data-testid="webhook-create-error">
                {errorText(create.error)}
              </Alert>
            )
          }
        >
          <TextInput
            label={t('outgoingWebhooks.create.url')}
            description={t('outgoingWebhooks.create.urlHint')}
            placeholder="https://hooks.example.com/guichet"
            value={url}
            onChange={(event) => setUrl(event.currentTarget.value)}
            maxLength={2000}
            required
            data-autofocus
            data-testid="webhook-url"
          />
          <Checkbox.Group
            label={t('outgoingWebhooks.create.events')}
            value={events}
            onChange={(value) => setEvents(value as OutgoingWebhookEvent[])}
          >
            <Stack gap="xs" mt="xs">
              {outgoingWebhookEventSchema.options.map((event) => (
                <Checkbox
                  key={event}
                  value={event}
                  label={t(`outgoingWebhooks.events.${event}.label`)}
                  description={t(`outgoingWebhooks.events.${event}.description`)}
                  data-testid={`webhook-event-${event}`}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Checkbox
            checked={allowPrivate}
            onChange={(event) => setAllowPrivate(event.currentTarget.checked)}
            label={t('outgoingWebhooks.create.allowPrivate')}
            description={t('outgoingWebhooks.create.allowPrivateHint')}
            color="orange"
            data-testid="webhook-allow-private"
          />
        </CreateForm>
      )}
    </Modal>
  );
}
