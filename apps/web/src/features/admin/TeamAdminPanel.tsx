import type { AgentStatus, PasswordLink, Team, TeamAgent } from '@guichet/contracts';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useSession } from '../auth/session.ts';
import { AgentActions } from '../team/AgentActions.tsx';
import { EditAgentModal } from '../team/EditAgentModal.tsx';
import { InviteAgentModal } from '../team/InviteAgentModal.tsx';
import { PasswordLinkModal } from '../team/PasswordLinkModal.tsx';
import { teamQueryKeys, useTeamApi } from '../team/teamApi.ts';
import { TeamsSection } from '../team/TeamsSection.tsx';

const statusColor: Record<AgentStatus, string> = { active: 'green', invited: 'blue', deactivated: 'gray' };

/** The admin's team screen: every agent with role, teams, status and last sign-in, and what can be done. */
export function TeamAdminPanel() {
  const { t } = useTranslation();
  const api = useTeamApi();
  const guichet = useApi();
  const selfId = useSession().data?.agent.id;
  const agents = useQuery({ queryKey: teamQueryKeys.agents, queryFn: ({ signal }) => api.agents(signal) });
  const teams = useQuery({ queryKey: queryKeys.teams, queryFn: ({ signal }) => guichet.listTeams(signal) });
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<TeamAgent | null>(null);
  const [link, setLink] = useState<{ link: PasswordLink; name: string } | null>(null);

  if (agents.isPending || teams.isPending) return <CenteredLoader />;
  if (agents.isError || teams.isError) {
    return (
      <ErrorState
        title={t('team.loadError')}
        error={agents.error ?? teams.error}
        onRetry={() => void Promise.all([agents.refetch(), teams.refetch()])}
      />
    );
  }
  const teamList = teams.data.teams;
  return (
    <Stack gap="md" data-testid="team-panel">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm" c="dimmed" maw={700}>
          {t('team.intro')}
        </Text>
        <Button onClick={() => setInviting(true)} data-testid="team-invite-open">
          {t('team.invite.open')}
        </Button>
      </Group>
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="sm" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('team.columns.agent')}</Table.Th>
              <Table.Th>{t('team.columns.role')}</Table.Th>
              <Table.Th>{t('team.columns.teams')}</Table.Th>
              <Table.Th>{t('team.columns.status')}</Table.Th>
              <Table.Th>{t('team.columns.lastSignIn')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {agents.data.agents.map((agent) => (
              <AgentRow
                key={agent.id}
                agent={agent}
                teams={teamList}
                isSelf={agent.id === selfId}
                onEdit={() => setEditing(agent)}
                onLink={(issued) => setLink({ link: issued, name: agent.name })}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <TeamsSection teams={teamList} />
      {inviting && (
        <InviteAgentModal
          teams={teamList}
          onClose={() => setInviting(false)}
          onInvited={(result) => {
            setInviting(false);
            setLink({ link: result.link, name: result.agent.name });
          }}
        />
      )}
      {editing && <EditAgentModal agent={editing} teams={teamList} onClose={() => setEditing(null)} />}
      {link && <PasswordLinkModal link={link.link} name={link.name} onClose={() => setLink(null)} />}
    </Stack>
  );
}

function AgentRow({
  agent,
  teams,
  isSelf,
  onEdit,
  onLink,
}: {
  agent: TeamAgent;
  teams: Team[];
  isSelf: boolean;
  onEdit: () => void;
  onLink: (link: PasswordLink) => void;
}) {
  const { t } = useTranslation();
  const teamNames = agent.teamIds.map((id) => teams.find((team) => team.id === id)?.name ?? id);
  return (
    <Table.Tr data-testid="agent-row" data-agent-email={agent.email} data-status={agent.status}>
      <Table.Td>
        <Stack gap={0}>
          <Text fw={600} size="sm" className="customer-text">
            {agent.name}
            {isSelf && (
              <Text span size="xs" c="dimmed" ml={6}>
                {t('team.you')}
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed" className="customer-text">
            {agent.email}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td data-testid="agent-role-cell">{t(`team.roles.${agent.role}`)}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {teamNames.map((name) => (
            <Badge key={name} variant="outline" size="sm" tt="none" className="customer-text">
              {name}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Badge color={statusColor[agent.status]} variant="light" data-testid="agent-status">
          {t(`team.status.${agent.status}`)}
        </Badge>
      </Table.Td>
      <Table.Td>
        {agent.lastSignInAt ? (
          <Timestamp value={agent.lastSignInAt} size="sm" />
        ) : (
          <Text size="sm" c="dimmed">
            {t('team.neverSignedIn')}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <AgentActions agent={agent} isSelf={isSelf} onEdit={onEdit} onLink={onLink} />
      </Table.Td>
    </Table.Tr>
  );
}
