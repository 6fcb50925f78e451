import type { ApiToken } from '@guichet/contracts';
import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useNow } from '../../components/useNow.ts';
import { apiTokensQueryKey, scopeKey, useApiTokensApi } from './apiTokensApi.ts';
import { CreateApiTokenModal } from './CreateApiTokenModal.tsx';

type TokenState = 'active' | 'revoked' | 'expired';

function stateOf(token: ApiToken, now: number): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

const stateColor: Record<TokenState, string> = { active: 'green', revoked: 'gray', expired: 'orange' };

/** The admin's API tokens: who made each, what it may do, when it was last used; create and revoke. */
export function ApiTokensPanel() {
  const { t } = useTranslation();
  const api = useApiTokensApi();
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: apiTokensQueryKey, queryFn: ({ signal }) => api.list(signal) });
  if (tokens.isPending) return <CenteredLoader />;
  if (tokens.isError) {
    return <ErrorState title={t('apiTokens.loadError')} error={tokens.error} onRetry={() => void tokens.refetch()} />;
  }
  const list = tokens.data.tokens;
  return (
    <Stack gap="md" data-testid="api-tokens-panel">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm" c="dimmed" maw={700}>
          {t('apiTokens.intro')}
        </Text>
        <Button onClick={() => setCreating(true)} data-testid="api-token-create">
          {t('apiTokens.create.open')}
        </Button>
      </Group>
      {list.length === 0 ? (
        <Paper withBorder p="lg" data-testid="api-tokens-empty">
          <Text c="dimmed" ta="center">
            {t('apiTokens.empty')}
          </Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table verticalSpacing="sm" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('apiTokens.columns.name')}</Table.Th>
                <Table.Th>{t('apiTokens.columns.scopes')}</Table.Th>
                <Table.Th>{t('apiTokens.columns.created')}</Table.Th>
                <Table.Th>{t('apiTokens.columns.lastUsed')}</Table.Th>
                <Table.Th>{t('apiTokens.columns.state')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((token) => (
                <TokenRow
                  key={token.id}
                  token={token}
                  state={stateOf(token, now)}
                  onRevoke={() => setRevoking(token)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating && <CreateApiTokenModal onClose={() => setCreating(false)} />}
      {revoking && <RevokeModal token={revoking} onClose={() => setRevoking(null)} />}
    </Stack>
  );
}

function TokenRow({ token, state, onRevoke }: { token: ApiToken; state: TokenState; onRevoke: () => void }) {
  const { t } = useTranslation();
  return (
    <Table.Tr data-testid="api-token-row" data-token-name={token.name}>
      <Table.Td>
        <Stack gap={2}>
          <Text fw={600} size="sm" className="customer-text">
            {token.name}
          </Text>
          <Code>{token.prefix}…</Code>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {token.scopes.map((scope) => (
            <Badge key={scope} variant="light" size="sm" tt="none">
              {t(`apiTokens.scopes.${scopeKey(scope)}.label`)}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Stack gap={0}>
          <Timestamp value={token.createdAt} format="datetime" size="sm" />
          <Text size="xs" c="dimmed" className="customer-text">
            {t('apiTokens.createdBy', { name: token.createdBy.name })}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td data-testid="api-token-last-used">
        {token.lastUsedAt ? (
          <Timestamp value={token.lastUsedAt} size="sm" />
        ) : (
          <Text size="sm" c="dimmed">
            {t('apiTokens.neverUsed')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Badge color={stateColor[state]} variant="light" data-testid="api-token-state">
            {t(`apiTokens.state.${state}`)}
          </Badge>
          {state === 'active' && token.expiresAt && (
            <Text size="xs" c="dimmed">
              {t('apiTokens.expires')} <Timestamp value={token.expiresAt} format="datetime" size="xs" />
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td ta="right">
        {state === 'active' && (
          <Button size="xs" color="red" variant="light" onClick={onRevoke} data-testid="api-token-revoke">
            {t('apiTokens.revoke.open')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function RevokeModal({ token, onClose }: { token: ApiToken; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApiTokensApi();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.revoke(token.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: apiTokensQueryKey });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('apiTokens.revoke.title')}>
      <Stack gap="md">
        <Text size="sm">{t('apiTokens.revoke.confirm', { name: token.name })}</Text>
        {revoke.isError && <Alert color="red">{t(errorMessageKey(revoke.error))}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={revoke.isPending}
            onClick={() => revoke.mutate()}
            data-testid="api-token-revoke-confirm"
          >
            {t('apiTokens.revoke.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
