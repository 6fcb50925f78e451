import {
  agentWithLinkSchema,
  apiErrorSchema,
  inviteAgentRequestSchema,
  passwordLinkSchema,
  signedOutSchema,
  teamAgentListSchema,
  teamAgentSchema,
  updateAgentRequestSchema,
} from '@guichet/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireRole } from '../auth/auth.routes.ts';
import {
  deactivateAgent,
  inviteAgent,
  issuePasswordReset,
  reactivateAgent,
  revokeAgentSessions,
  updateAgent,
  type AdminActor,
  type AgentAdminDeps,
} from './agent-admin.commands.ts';
import { getTeamAgent, listTeamAgents } from './agent-admin.queries.ts';

const agentParams = z.object({ agentId: z.string().min(1).max(64) });
const errors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };

/** Only admins manage the people of the workspace: enforced here, whatever the browser shows. */
function adminActor(request: FastifyRequest): AdminActor {
  const session = requireRole(request, ['admin']);
  return { workspaceId: session.workspaceId, agentId: session.agentId, ip: request.ip };
}

/** Team administration (F28 issue 14): invite, roles and teams, deactivation, password links, sign-outs. */
export function registerAgentAdminRoutes(app: HttpApp, deps: AgentAdminDeps): void {
  const tags = ['team administration'];

  app.get(
    '/api/admin/agents',
    {
      schema: {
        tags,
        summary: 'Every agent: active, invited and deactivated, with role, teams and last sign-in (admins)',
        response: { 200: teamAgentListSchema, 403: apiErrorSchema },
      },
    },
    async (request) => ({ agents: await listTeamAgents(deps.db, adminActor(request).workspaceId) }),
  );

  app.post(
    '/api/admin/agents',
    {
      schema: {
        tags,
        summary: 'Invite an agent: creates the account and a one-time link that sets its password (admins)',
        body: inviteAgentRequestSchema,
        response: { 201: agentWithLinkSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = adminActor(request);
      const { agentId, link } = await inviteAgent(deps, actor, request.body);
      return reply.status(201).send({ agent: await getTeamAgent(deps.db, actor.workspaceId, agentId), link });
    },
  );

  app.patch(
    '/api/admin/agents/:agentId',
    {
      schema: {
        tags,
        summary: 'Change an agent’s role or teams (admins); the last active admin keeps their role',
        params: agentParams,
        body: updateAgentRequestSchema,
        response: { 200: teamAgentSchema, ...errors },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      await updateAgent(deps, actor, request.params.agentId, request.body);
      return getTeamAgent(deps.db, actor.workspaceId, request.params.agentId);
    },
  );

  app.post(
    '/api/admin/agents/:agentId/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate an agent: no sign-in, every session and open tab ended at once (admins)',
        params: agentParams,
        response: { 200: teamAgentSchema, ...errors },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      await deactivateAgent(deps, actor, request.params.agentId);
      return getTeamAgent(deps.db, actor.workspaceId, request.params.agentId);
    },
  );

  app.post(
    '/api/admin/agents/:agentId/reactivate',
    {
      schema: {
        tags,
        summary: 'Let a deactivated agent sign in again (admins)',
        params: agentParams,
        response: { 200: teamAgentSchema, ...errors },
      },
    },
    async (request) => {
      const actor = adminActor(request);
      await reactivateAgent(deps, actor, request.params.agentId);
      return getTeamAgent(deps.db, actor.workspaceId, request.params.agentId);
    },
  );

  app.post(
    '/api/admin/agents/:agentId/password-reset',
    {
      schema: {
        tags,
        summary: 'A one-time link that sets a new password, shown to the admin to pass on (admins)',
        params: agentParams,
        response: { 200: passwordLinkSchema, ...errors },
      },
    },
    async (request) => issuePasswordReset(deps, adminActor(request), request.params.agentId),
  );

  app.post(
    '/api/admin/agents/:agentId/sign-out',
    {
      schema: {
        tags,
        summary: 'Sign an agent out everywhere: every session and open tab (admins)',
        params: agentParams,
        response: { 200: signedOutSchema, ...errors },
      },
    },
    async (request) => ({ signedOut: await revokeAgentSessions(deps, adminActor(request), request.params.agentId) }),
  );
}
