import type { SessionListItem } from '@guichet/contracts';
import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { endSession } from '../auth/session.ts';
import { teamErrorKey, teamQueryKeys, useTeamApi } from '../team/teamApi.ts';
import { describeDevice } from './device.ts';

/** Where the agent is signed in; any one of those sessions, or all but this one, can be signed out. */
export function SessionsPanel() {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery({ queryKey: teamQueryKeys.sessions, queryFn: ({ signal }) => api.sessions(signal) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: teamQueryKeys.sessions });
  const endOne = useMutation({
    mutationFn: (session: SessionListItem) => api.endSession(session.id),
    onSuccess: (_result, session) => {
      if (!session.current) return refresh();
      endSession(queryClient);
      void navigate('/sign-in', { replace: true });
    },
  });
  const endOthers = useMutation({ mutationFn: () => api.signOutOthers(), onSuccess: refresh });

  if (sessions.isPending) return <CenteredLoader />;
  if (sessions.isError) {
    return <ErrorState title={t('profile.sessions.loadError')} error={sessions.error} onRetry={refresh} />;
  }
  const list = sessions.data.sessions;
  const error = endOne.error ?? endOthers.error;
  return (
    <Paper withBorder p="md">
      <Stack gap="md" data-testid="sessions-panel">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={3}>{t('profile.sessions.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('profile.sessions.help')}
            </Text>
          </Stack>
          <Button
            variant="light"
            color="red"
            disabled={list.length < 2}
            loading={endOthers.isPending}
            onClick={() => endOthers.mutate()}
            data-testid="sessions-sign-out-others"
          >
            {t('profile.sessions.signOutOthers')}
          </Button>
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {t(teamErrorKey(error))}
          </Alert>
        )}
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('profile.sessions.device')}</Table.Th>
                <Table.Th>{t('profile.sessions.address')}</Table.Th>
                <Table.Th>{t('profile.sessions.started')}</Table.Th>
                <Table.Th>{t('profile.sessions.lastSeen')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((session) => (
                <SessionRow key={session.id} session={session} onEnd={() => endOne.mutate(session)} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}

function SessionRow({ session, onEnd }: { session: SessionListItem; onEnd: () => void }) {
  const { t } = useTranslation();
  const { browser, system } = describeDevice(session.userAgent);
  const device =
    browser && system
      ? t('profile.sessions.on', { browser, system })
      : (browser ?? system ?? t('profile.sessions.unknownDevice'));
  return (
    <Table.Tr data-testid="session-row" data-current={session.current}>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" title={session.userAgent ?? undefined}>
            {device}
          </Text>
          {session.current && (
            <Badge size="sm" variant="light" color="green">
              {t('profile.sessions.current')}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {session.ip ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Timestamp value={session.createdAt} format="datetime" size="sm" />
      </Table.Td>
      <Table.Td>
        <Timestamp value={session.lastSeenAt} size="sm" />
      </Table.Td>
      <Table.Td ta="right">
        <Button size="xs" variant="default" onClick={onEnd} data-testid="session-sign-out">
          {session.current ? t('profile.sessions.signOutHere') : t('profile.sessions.signOut')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
