import {
  apiErrorSchema,
  agentListSchema,
  createTeamRequestSchema,
  teamListSchema,
  teamSchema,
} from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { newId } from '../../platform/ids.ts';
import { audit, auditContextOf } from '../audit/audit.context.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { hasPendingInvitation } from './agent-links.ts';

/** The people and teams a case can be assigned to. */
export function registerAgentRoutes(app: HttpApp, deps: { db: Db; clock: Clock }): void {
  const memberships = async (workspaceId: string) =>
    deps.db
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .select(['team_members.team_id as teamId', 'team_members.agent_id as agentId'])
      .where('teams.workspace_id', '=', workspaceId)
      .execute();

  app.get(
    '/api/agents',
    {
      schema: {
        tags: ['agents'],
        summary: 'Active agents of the workspace, by name',
        response: { 200: agentListSchema },
      },
    },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const agents = await deps.db
        .selectFrom('agents')
        .select(['id', 'name', 'role'])
        .where('workspace_id', '=', workspaceId)
        .where('disabled_at', 'is', null)
        // Someone invited who has not joined yet cannot work a case.
        .where((eb) => eb.not(hasPendingInvitation(eb)))
        .orderBy('name')
        .execute();
      const members = await memberships(workspaceId);
      return {
        agents: agents.map((agent) => ({
          ...agent,
          teamIds: members.filter((m) => m.agentId === agent.id).map((m) => m.teamId),
        })),
      };
    },
  );

  app.get(
    '/api/teams',
    { schema: { tags: ['agents'], summary: 'Teams of the workspace, by name', response: { 200: teamListSchema } } },
    async (request) => {
      const { workspaceId } = requireAuth(request);
      const teams = await deps.db
        .selectFrom('teams')
        .select(['id', 'name'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('name')
        .execute();
      const members = await memberships(workspaceId);
      return {
        teams: teams.map((team) => ({
          ...team,
          memberIds: members.filter((m) => m.teamId === team.id).map((m) => m.agentId),
        })),
      };
    },
  );

  app.post(
    '/api/teams',
    {
      schema: {
        tags: ['agents'],
        summary: 'Create a team (leads and admins)',
        body: createTeamRequestSchema,
        response: { 201: teamSchema, 400: apiErrorSchema, 403: apiErrorSchema, 409: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      if (session.role !== 'admin' && session.role !== 'lead') {
        throw new AppError('team.forbidden', 'forbidden', 'Only leads and admins manage teams.');
      }
      const { name, memberIds } = request.body;
      const taken = await deps.db
        .selectFrom('teams')
        .select('id')
        .where('workspace_id', '=', session.workspaceId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (taken) throw new AppError('team.name_taken', 'conflict', 'A team already has this name.');
      const agents = memberIds.length
        ? await deps.db
            .selectFrom('agents')
            .select('id')
            .where('workspace_id', '=', session.workspaceId)
            .where('id', 'in', memberIds)
            .execute()
        : [];
      const now = deps.clock.now().getTime();
      const id = newId(now);
      const context = await auditContextOf(deps.db, request);
      await deps.db.transaction().execute(async (tx) => {
        await tx.insertInto('teams').values({ id, workspace_id: session.workspaceId, name, created_at: now }).execute();
        await audit(tx, context, 'team.created', now, {
          subject: { type: 'team', id },
          after: { name, memberIds: agents.map((agent) => agent.id) },
        });
        if (agents.length) {
          await tx
            .insertInto('team_members')
            .values(agents.map((agent) => ({ team_id: id, agent_id: agent.id })))
            .execute();
        }
      });
      return reply.status(201).send({ id, name, memberIds: agents.map((agent) => agent.id) });
    },
  );
}
