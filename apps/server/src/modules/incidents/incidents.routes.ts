import {
  apiErrorSchema,
  caseIncidentsSchema,
  declareIncidentSchema,
  incidentDetailSchema,
  incidentListSchema,
  incidentSuggestionListSchema,
  linkIncidentCaseSchema,
  updateIncidentSchema,
} from '@guichet/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HttpApp } from '../../platform/http/http-app.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import {
  declareIncident,
  linkCase,
  resolveIncident,
  unlinkCase,
  updateIncident,
  type IncidentDeps,
} from './incidents.commands.ts';
import { caseIncidents, getIncident, listIncidents, suggestCases } from './incidents.queries.ts';

const incidentParams = z.object({ incidentId: z.string().min(1).max(100) });
const linkParams = z.object({ incidentId: z.string().min(1).max(100), caseId: z.string().min(1).max(100) });
const caseParams = z.object({ caseId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema };
const resolveBodySchema = z.object({ resolutionText: z.string().trim().min(1).max(5_000).optional() });

/** Incidents (F22): declare, link complaints, resolve (answers every linked case once), timeline. */
export function registerIncidentRoutes(app: HttpApp, deps: IncidentDeps): void {
  /** Runs the signed-in agent's change, then answers with the incident as it now stands. */
  const changeThenShow = async (
    request: FastifyRequest,
    incidentId: string,
    change: (session: AuthenticatedSession) => Promise<unknown>,
  ) => {
    const session = requireAuth(request);
    await change(session);
    return getIncident(deps.db, session.workspaceId, incidentId);
  };

  app.get(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, open first then most recent',
        response: { 200: incidentListSchema },
      },
    },
    async (request) => ({ incidents: await listIncidents(deps.db, requireAuth(request).workspaceId) }),
  );

  app.post(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Declare an incident, with its status post and its resolution reply',
        body: declareIncidentSchema,
        response: { 201: incidentDetailSchema, ...errors },
      },
    },
    async (request, reply) => {
      const session = requireAuth(request);
      const id = await declareIncident(deps, session, request.body);
      return reply.status(201).send(await getIncident(deps.db, session.workspaceId, id));
    },
  );

  app.get(
    '/api/incidents/:incidentId',
    {
      schema: {
        tags: ['incidents'],
        summary: 'One incident: linked cases with their reply status, status post, timeline',
        params: incidentParams,
        response: { 200: incidentDetailSchema, 404: apiErrorSchema },
      },
    },
    async (request) => getIncident(deps.db, requireAuth(request).workspaceId, request.params.incidentId),
  );

  app.patch(
    '/api/incidents/:incidentId',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Change an open incident, or add a note to its timeline',
        params: incidentParams,
        body: updateIncidentSchema,
        response: { 200: incidentDetailSchema, ...errors },
      },
    },
    async (request) =>
      changeThenShow(request, request.params.incidentId, (session) =>
        updateIncident(deps, session, request.params.incidentId, request.body),
      ),
  );

  app.get(
    '/api/incidents/:incidentId/suggestions',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Complaints that look like this incident (shared words, timing), best first',
        params: incidentParams,
        response: { 200: incidentSuggestionListSchema, 404: apiErrorSchema },
      },
    },
    async (request) => ({
      suggestions: await suggestCases(deps.db, requireAuth(request).workspaceId, request.params.incidentId, 200),
    }),
  );

  app.post(
    '/api/incidents/:incidentId/cases',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Link a case to an open incident (confirm a suggestion)',
        params: incidentParams,
        body: linkIncidentCaseSchema,
        response: { 200: incidentDetailSchema, ...errors },
      },
    },
    async (request) =>
      changeThenShow(request, request.params.incidentId, (session) =>
        linkCase(deps, session, request.params.incidentId, request.body.caseId),
      ),
  );

  app.delete(
    '/api/incidents/:incidentId/cases/:caseId',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Unlink a case from an open incident',
        params: linkParams,
        response: { 200: incidentDetailSchema, ...errors },
      },
    },
    async (request) =>
      changeThenShow(request, request.params.incidentId, (session) =>
        unlinkCase(deps, session, request.params.incidentId, request.params.caseId),
      ),
  );

  app.post(
    '/api/incidents/:incidentId/resolve',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Resolve: every linked case gets the resolution reply once (leads and admins)',
        params: incidentParams,
        body: resolveBodySchema,
        response: { 200: incidentDetailSchema, ...errors },
      },
    },
    async (request) =>
      changeThenShow(request, request.params.incidentId, (session) =>
        resolveIncident(deps, session, request.params.incidentId, request.body),
      ),
  );

  app.get(
    '/api/cases/:caseId/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: "A case's incidents (linked) and open incidents its messages look like (suggested)",
        params: caseParams,
        response: { 200: caseIncidentsSchema, 404: apiErrorSchema },
      },
    },
    async (request) => caseIncidents(deps.db, requireAuth(request).workspaceId, request.params.caseId),
  );
}
