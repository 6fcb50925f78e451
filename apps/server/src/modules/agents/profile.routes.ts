import {
  apiErrorSchema,
  changePasswordRequestSchema,
  profileSchema,
  signedOutSchema,
  updateProfileRequestSchema,
} from '@guichet/contracts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import type { AgentAdminDeps } from './agent-admin.commands.ts';
import { changeOwnPassword, getProfile, updateProfile } from './profile.commands.ts';

/** Every agent's own profile: name, signature, language, time zone, notification choices, password. */
export function registerProfileRoutes(app: HttpApp, deps: AgentAdminDeps): void {
  const tags = ['profile'];

  app.get(
    '/api/profile',
    { schema: { tags, summary: 'The signed-in agent’s profile', response: { 200: profileSchema } } },
    async (request) => getProfile(deps.db, requireAuth(request).agentId),
  );

  app.put(
    '/api/profile',
    {
      schema: {
        tags,
        summary: 'Change one’s display name, signature initials, language, time zone and notification choices',
        body: updateProfileRequestSchema,
        response: { 200: profileSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { agentId, workspaceId } = requireAuth(request);
      return updateProfile(deps, { agentId, workspaceId, ip: request.ip }, request.body);
    },
  );

  app.post(
    '/api/profile/password',
    {
      schema: {
        tags,
        summary: 'Change one’s password (the current one is required); one’s other sessions end',
        body: changePasswordRequestSchema,
        response: { 200: signedOutSchema, 400: apiErrorSchema },
      },
    },
    async (request) => {
      const { agentId, workspaceId, sessionId } = requireAuth(request);
      const signedOut = await changeOwnPassword(
        deps,
        { agentId, workspaceId, sessionId, ip: request.ip },
        request.body,
      );
      return { signedOut };
    },
  );
}
