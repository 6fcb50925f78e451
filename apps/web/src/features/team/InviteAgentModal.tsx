import type { AgentRole, AgentWithLink, Team } from '@guichet/contracts';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RoleAndTeamsFields } from './AgentFormFields.tsx';
import { teamErrorKey, teamQueryKeys, useTeamApi } from './teamApi.ts';

/** Invites an agent; on success the caller shows the one-time link. */
export function InviteAgentModal({
  teams,
  onInvited,
  onClose,
}: {
  teams: Team[];
  onInvited: (result: AgentWithLink) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const invite = useMutation({
    mutationFn: () => api.invite({ email: email.trim(), name: name.trim(), role, teamIds }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: teamQueryKeys.agents });
      // Team sizes, and the people a case can be assigned to.
      void queryClient.invalidateQueries({ queryKey: ['directory'] });
      onInvited(result);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!invite.isPending) invite.mutate();
  };

  return (
    <Modal opened onClose={onClose} title={t('team.invite.title')} size="md">
      <form onSubmit={submit}>
        <Stack gap="md">
          {invite.isError && (
            <Alert color="red" role="alert">
              {t(teamErrorKey(invite.error))}
            </Alert>
          )}
          <TextInput
            label={t('team.fields.email')}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            data-testid="invite-email"
            autoFocus
          />
          <TextInput
            label={t('team.fields.name')}
            required
            maxLength={80}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            data-testid="invite-name"
          />
          <RoleAndTeamsFields role={role} teamIds={teamIds} teams={teams} onRole={setRole} onTeams={setTeamIds} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending} data-testid="invite-submit">
              {t('team.invite.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
