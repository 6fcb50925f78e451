import {
  Alert,
  Button,
  Checkbox,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import type { ChannelConnectKeys, ChannelList } from '@guichet/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors.ts';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { channelsQueryKey, oauth2StartPath, useChannelsApi } from './channelsApi.ts';

/** X's own words, sent apart from the server's English sentence so the alert reads in the agent's language. */
function xReason(details: unknown): string | undefined {
  const reason = (details as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

const emptyKeys = { apiKey: '', apiSecret: '', accessToken: '', accessSecret: '', appBearerToken: '' };

/** Connect another X account: "Sign in with X" (OAuth 2.0 PKCE) or the four OAuth 1.0a keys. */
export function ConnectPanel({ connect }: { connect: ChannelList['connect'] }) {
  const { t } = useTranslation();
  const api = useChannelsApi();
  const queryClient = useQueryClient();
  const [keys, setKeys] = useState(emptyKeys);
  const [sandbox, setSandbox] = useState(connect.sandboxAvailable && connect.oauth2 !== 'x');
  const [connectedHandle, setConnectedHandle] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => {
      const body: ChannelConnectKeys = {
        apiKey: keys.apiKey,
        apiSecret: keys.apiSecret,
        accessToken: keys.accessToken,
        accessSecret: keys.accessSecret,
        sandbox,
        ...(keys.appBearerToken.trim() ? { appBearerToken: keys.appBearerToken } : {}),
      };
      return api.connectWithKeys(body);
    },
    onSuccess: (channel) => {
      setKeys(emptyKeys);
      setConnectedHandle(channel.handle);
      void queryClient.invalidateQueries({ queryKey: channelsQueryKey });
    },
  });
  // X's own words when it refused the keys; the usual translated message otherwise.
  const errorText =
    save.isError && isApiError(save.error) && save.error.code === 'channel.credentials_rejected'
      ? (xReason(save.error.details) ?? save.error.message)
      : save.isError
        ? t(errorMessageKey(save.error))
        : null;
  const field = (name: keyof typeof emptyKeys, required = true) => (
    <PasswordInput
      label={t(`channels.connect.keys.${name}`)}
      value={keys[name]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setKeys((current) => ({ ...current, [name]: value }));
      }}
      required={required}
      autoComplete="off"
      maxLength={400}
      data-testid={`connect-${name}`}
    />
  );

  return (
    <Paper withBorder p="md" radius="md" data-testid="connect-panel">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('channels.connect.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('channels.connect.intro')}
        </Text>
        <Tabs defaultValue="oauth2" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="oauth2" data-testid="connect-tab-oauth2">
              {t('channels.connect.oauth2.tab')}
            </Tabs.Tab>
            <Tabs.Tab value="keys" data-testid="connect-tab-keys">
              {t('channels.connect.keys.tab')}
            </Tabs.Tab>
          </Tabs.List>

          <Tabs.Panel value="oauth2" pt="sm">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{t('channels.connect.oauth2.help')}</Text>
              {connect.oauth2 === 'sandbox' && (
                <Alert color="grape" variant="light">
                  {t('channels.connect.oauth2.sandbox')}
                </Alert>
              )}
              {connect.oauth2 === null ? (
                <Alert color="gray">{t('channels.connect.oauth2.notConfigured')}</Alert>
              ) : (
                <Button component="a" href={oauth2StartPath} data-testid="connect-oauth2">
                  {t('channels.connect.oauth2.button')}
                </Button>
              )}
            </Stack>
          </Tabs.Panel>

          <Tabs.Panel value="keys" pt="sm">
            <form
              onSubmit={(event) => {
                event.preventDefault();
                setConnectedHandle(null);
                save.mutate();
              }}
            >
              <Stack gap="xs">
                <Text size="sm">{t('channels.connect.keys.help')}</Text>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                  {field('apiKey')}
                  {field('apiSecret')}
                  {field('accessToken')}
                  {field('accessSecret')}
                </SimpleGrid>
                {field('appBearerToken', false)}
                <Text size="xs" c="dimmed">
                  {t('channels.connect.keys.bearerHelp')}
                </Text>
                {connect.sandboxAvailable && (
                  <Checkbox
                    label={t('channels.connect.keys.sandbox')}
                    checked={sandbox}
                    onChange={(e) => setSandbox(e.currentTarget.checked)}
                    data-testid="connect-sandbox"
                  />
                )}
                {errorText && (
                  <Alert color="red" title={t('channels.connect.rejected')} data-testid="connect-error">
                    {errorText}
                  </Alert>
                )}
                {connectedHandle && (
                  <Alert color="green" data-testid="connect-success">
                    {t('channels.connect.done', { handle: connectedHandle })}
                  </Alert>
                )}
                <Group>
                  <Button type="submit" loading={save.isPending} data-testid="connect-keys-submit">
                    {t('channels.connect.keys.submit')}
                  </Button>
                  <Text size="xs" c="dimmed">
                    {t('channels.connect.keys.stored')}
                  </Text>
                </Group>
              </Stack>
            </form>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}
