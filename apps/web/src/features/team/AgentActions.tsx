import type { PasswordLink, TeamAgent } from '@guichet/contracts';
import { Alert, Button, Group, Menu, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { teamErrorKey, teamQueryKeys, useTeamApi } from './teamApi.ts';

type Confirmable = 'deactivate' | 'signOut';

/**
 * What an admin can do to one agent: edit role and teams, hand out a password link, sign them out
 * everywhere, deactivate or reactivate them. The two that end sessions ask first.
 */
export function AgentActions({
  agent,
  isSelf,
  onEdit,
  onLink,
}: {
  agent: TeamAgent;
  isSelf: boolean;
  onEdit: () => void;
  onLink: (link: PasswordLink) => void;
}) {
  const { t } = useTranslation();
  const api = useTeamApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: teamQueryKeys.agents });
    void queryClient.invalidateQueries({ queryKey: ['directory'] });
  };
  const reset = useMutation({ mutationFn: () => api.passwordReset(agent.id), onSuccess: onLink });
  const reactivate = useMutation({ mutationFn: () => api.reactivate(agent.id), onSettled: refresh });
  const confirmed = useMutation({
    mutationFn: async (action: Confirmable): Promise<void> => {
      if (action === 'deactivate') await api.deactivate(agent.id);
      else await api.signOutAgent(agent.id);
    },
    onSuccess: () => setConfirming(null),
    onSettled: refresh,
  });
  const error = reset.error ?? reactivate.error;
  const active = agent.status !== 'deactivated';

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button
            size="xs"
            variant="default"
            data-testid="agent-actions"
            aria-label={t('team.actions.label', { name: agent.name })}
          >
            {t('team.actions.open')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={onEdit} data-testid="action-edit">
            {t('team.actions.edit')}
          </Menu.Item>
          {active && (
            <Menu.Item onClick={() => reset.mutate()} data-testid="action-password-link">
              {agent.status === 'invited' ? t('team.actions.newInvitation') : t('team.actions.resetPassword')}
            </Menu.Item>
          )}
          {active && (
            <Menu.Item onClick={() => setConfirming('signOut')} data-testid="action-sign-out">
              {t('team.actions.signOut')}
            </Menu.Item>
          )}
          <Menu.Divider />
          {active ? (
            <Menu.Item color="red" onClick={() => setConfirming('deactivate')} data-testid="action-deactivate">
              {t('team.actions.deactivate')}
            </Menu.Item>
          ) : (
            <Menu.Item onClick={() => reactivate.mutate()} data-testid="action-reactivate">
              {t('team.actions.reactivate')}
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      {error && (
        <Text size="xs" c="red" role="alert">
          {t(teamErrorKey(error))}
        </Text>
      )}
      {confirming && (
        <Modal
          opened
          onClose={() => setConfirming(null)}
          title={t(`team.confirm.${confirming}.title`, { name: agent.name })}
        >
          <Stack gap="md">
            <Text size="sm">{t(`team.confirm.${confirming}.body${isSelf ? 'Self' : ''}`, { name: agent.name })}</Text>
            {confirmed.isError && (
              <Alert color="red" role="alert" data-testid="confirm-error">
                {t(teamErrorKey(confirmed.error))}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)}>
                {t('common.cancel')}
              </Button>
              <Button
                color="red"
                loading={confirmed.isPending}
                onClick={() => confirmed.mutate(confirming)}
                data-testid="confirm-action"
              >
                {t(`team.confirm.${confirming}.submit`)}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </>
  );
}
