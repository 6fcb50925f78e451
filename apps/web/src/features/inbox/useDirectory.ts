import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';

/** Agents, teams and tags: what the filters and the bulk bar offer. */
export function useDirectory() {
  const api = useApi();
  const agents = useQuery({ queryKey: queryKeys.agents, queryFn: ({ signal }) => api.listAgents(signal) });
  const teams = useQuery({ queryKey: queryKeys.teams, queryFn: ({ signal }) => api.listTeams(signal) });
  const tags = useQuery({ queryKey: queryKeys.tags, queryFn: ({ signal }) => api.listTags(signal) });
  return { agents: agents.data?.agents ?? [], teams: teams.data?.teams ?? [], tags: tags.data?.tags ?? [] };
}
