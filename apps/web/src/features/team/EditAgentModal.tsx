import type { AgentRole, Team, TeamAgent } from '@guichet/contracts';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/queryKeys.ts';
import { RoleAndTeamsFields } from './AgentFormFields.tsx';
import { teamErrorKey, teamQueryKeys, useTeamApi } from './teamApi.ts';

/** Changes an agent's role and teams; the server keeps the last active admin an admin. */
export function EditAgentModal({ agent, teams, onClose }: { agent: TeamAgent; teams: Team[]; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<AgentRole>(agent.role);
  const [teamIds, setTeamIds] = useState<string[]>(agent.teamIds);
  const save = useMutation({
    mutationFn: () => api.update(agent.id, { role, teamIds }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: teamQueryKeys.agents });
      // Team sizes, and the people a case can be assigned to.
      void queryClient.invalidateQueries({ queryKey: ['directory'] });
      // An admin may have changed their own role: the screens they see follow it.
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!save.isPending) save.mutate();
  };

  return (
    <Modal opened onClose={onClose} title={t('team.edit.title', { name: agent.name })} size="md">
      <form onSubmit={submit}>
        <Stack gap="md">
          <Text size="sm" c="dimmed" className="customer-text">
            {agent.email}
          </Text>
          {save.isError && (
            <Alert color="red" role="alert" data-testid="edit-agent-error">
              {t(teamErrorKey(save.error))}
            </Alert>
          )}
          <RoleAndTeamsFields role={role} teamIds={teamIds} teams={teams} onRole={setRole} onTeams={setTeamIds} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="edit-agent-save">
              {t('team.edit.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
