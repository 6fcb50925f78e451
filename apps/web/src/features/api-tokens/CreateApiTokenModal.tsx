import { apiTokenScopes, type ApiTokenScope } from '@guichet/contracts';
import { Alert, Checkbox, Code, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CreateForm } from '../../components/CreateForm.tsx';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { useCreateOnce } from '../../components/useCreateOnce.ts';
import { apiTokensQueryKey, scopeKey, useApiTokensApi } from './apiTokensApi.ts';

const expiryChoices = ['never', '30', '90', '365'] as const;

/** Name, scopes and lifetime of a new token; then the token itself, shown this once. */
export function CreateApiTokenModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApiTokensApi();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiTokenScope[]>(['cases:read']);
  const [expiry, setExpiry] = useState<(typeof expiryChoices)[number]>('never');
  const { created, create } = useCreateOnce(
    () => api.create({ name: name.trim(), scopes, expiresInDays: expiry === 'never' ? null : Number(expiry) }),
    apiTokensQueryKey,
  );

  return (
    <Modal opened onClose={onClose} title={t('apiTokens.create.title')} size="lg">
      {created ? (
        <OneTimeSecret
          secret={created.secret}
          warningTitle={t('apiTokens.created.warningTitle')}
          warning={t('apiTokens.created.warning')}
          copyLabel={t('apiTokens.created.copy')}
          copiedLabel={t('apiTokens.created.copied')}
          doneLabel={t('apiTokens.created.done')}
          onDone={onClose}
          testIds={{
            root: 'api-token-created',
            secret: 'api-token-secret',
            copy: 'api-token-copy',
            done: 'api-token-done',
          }}
        >
          <Text size="sm" c="dimmed">
            {t('apiTokens.created.usage')}
          </Text>
          <Code
            block
            style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
          >{`curl -H "Authorization: Bearer ${created.secret}" ${window.location.origin}/api/cases`}</Code>
        </OneTimeSecret>
      ) : (
        <CreateForm
          onSubmit={() => create.mutate()}
          onCancel={onClose}
          submitLabel={t('apiTokens.create.submit')}
          submitting={create.isPending}
          canSubmit={name.trim() !== '' && scopes.length > 0}
          submitTestId="api-token-submit"
          error={create.isError && <Alert color="red">{t(errorMessageKey(create.error))}</Alert>}
        >
          <TextInput
            label={t('apiTokens.create.name')}
            description={t('apiTokens.create.nameHint')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            maxLength={100}
            required
            data-autofocus
            data-testid="api-token-name"
          />
          <Checkbox.Group
            label={t('apiTokens.create.scopes')}
            description={t('apiTokens.create.scopesHint')}
            value={scopes}
            onChange={(value) => setScopes(value as ApiTokenScope[])}
          >
            <Stack gap="xs" mt="xs">
              {apiTokenScopes.map((scope) => (
                <Checkbox
                  key={scope}
                  value={scope}
                  label={t(`apiTokens.scopes.${scopeKey(scope)}.label`)}
                  description={t(`apiTokens.scopes.${scopeKey(scope)}.description`)}
                  data-testid={`api-token-scope-${scope}`}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Select
            label={t('apiTokens.create.expiry')}
            data={expiryChoices.map((value) => ({ value, label: t(`apiTokens.expiry.${value}`) }))}
            value={expiry}
            onChange={(value) => setExpiry((value as (typeof expiryChoices)[number] | null) ?? 'never')}
            allowDeselect={false}
          />
        </CreateForm>
      )}
    </Modal>
  );
}
