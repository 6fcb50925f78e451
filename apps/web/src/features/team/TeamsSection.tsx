import { teamSchema, type Team } from '@guichet/contracts';
import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpClient } from '../../api/http.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { endSession } from '../auth/session.ts';
import { teamErrorKey } from './teamApi.ts';

/** The workspace's teams with their size, and a field to add one (agents are then put in it above). */
export function TeamsSection({ teams }: { teams: Team[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const http = useMemo(() => new HttpClient({ onUnauthorized: () => endSession(queryClient) }), [queryClient]);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => http.json('POST', '/api/teams', teamSchema, { body: { name: name.trim(), memberIds: [] } }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() && !create.isPending) create.mutate();
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>{t('team.teams.title')}</Title>
        {teams.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('team.teams.empty')}
          </Text>
        ) : (
          <Group gap="xs">
            {teams.map((team) => (
              <Badge key={team.id} variant="light" tt="none" className="customer-text">
                {t('team.teams.badge', { name: team.name, count: team.memberIds.length })}
              </Badge>
            ))}
          </Group>
        )}
        <form onSubmit={submit}>
          <Group gap="xs" align="flex-end">
            <TextInput
              label={t('team.teams.newName')}
              value={name}
              maxLength={60}
              onChange={(event) => setName(event.currentTarget.value)}
              data-testid="team-new-name"
            />
            <Button type="submit" variant="light" loading={create.isPending} disabled={!name.trim()}>
              {t('team.teams.create')}
            </Button>
          </Group>
        </form>
        {create.isError && (
          <Alert color="red" role="alert">
            {t(teamErrorKey(create.error))}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
