import { agentRoleSchema, type AgentRole, type Team } from '@guichet/contracts';
import { MultiSelect, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The role and teams of an agent, as the invite and edit forms both ask them. */
export function RoleAndTeamsFields({
  role,
  teamIds,
  teams,
  onRole,
  onTeams,
}: {
  role: AgentRole;
  teamIds: string[];
  teams: Team[];
  onRole: (role: AgentRole) => void;
  onTeams: (teamIds: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Select
        label={t('team.fields.role')}
        description={t(`team.roleHelp.${role}`)}
        data={agentRoleSchema.options.map((value) => ({ value, label: t(`team.roles.${value}`) }))}
        value={role}
        onChange={(value) => {
          const parsed = agentRoleSchema.safeParse(value);
          if (parsed.success) onRole(parsed.data);
        }}
        allowDeselect={false}
        data-testid="agent-role"
      />
      <MultiSelect
        label={t('team.fields.teams')}
        placeholder={teams.length === 0 ? t('team.fields.noTeams') : undefined}
        data={teams.map((team) => ({ value: team.id, label: team.name }))}
        value={teamIds}
        onChange={onTeams}
        disabled={teams.length === 0}
        searchable
        clearable
        data-testid="agent-teams"
      />
    </>
  );
}
