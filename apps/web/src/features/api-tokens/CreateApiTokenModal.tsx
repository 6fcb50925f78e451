import { apiTokenScopes, type ApiTokenCreated, type ApiTokenScope } from '@guichet/contracts';
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { apiTokensQueryKey, scopeKey, useApiTokensApi } from './apiTokensApi.ts';

const expiryChoices = ['never', '30', '90', '365'] as const;

/** Name, scopes and lifetime of a new token; then the token itself, shown this once. */
export function CreateApiTokenModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApiTokensApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiTokenScope[]>(['cases:read']);
  const [expiry, setExpiry] = useState<(typeof expiryChoices)[number]>('never');
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.create({ name: name.trim(), scopes, expiresInDays: expiry === 'never' ? null : Number(expiry) }),
    onSuccess: (result) => {
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: apiTokensQueryKey });
    },
  });

  return (
    <Modal opened onClose={onClose} title={t('apiTokens.create.title')} size="lg">
      {created ? (
        <Stack gap="md" data-testid="api-token-created">
          <Alert color="orange" title={t('apiTokens.created.warningTitle')}>
            {t('apiTokens.created.warning')}
          </Alert>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="api-token-secret">
              {created.secret}
            </Code>
            <CopyButton value={created.secret}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} data-testid="api-token-copy">
                  {copied ? t('apiTokens.created.copied') : t('apiTokens.created.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm" c="dimmed">
            {t('apiTokens.created.usage')}
          </Text>
          <Code
            block
            style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
          >{`curl -H "Authorization: Bearer ${created.secret}" ${window.location.origin}/api/cases`}</Code>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="api-token-done">
              {t('apiTokens.created.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="md">
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
            {create.isError && <Alert color="red">{t(errorMessageKey(create.error))}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={name.trim() === '' || scopes.length === 0}
                data-testid="api-token-submit"
              >
                {t('apiTokens.create.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
