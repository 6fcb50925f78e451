import {
  agentWithLinkSchema,
  invitationInfoSchema,
  passwordLinkSchema,
  profileSchema,
  sessionInfoSchema,
  sessionListSchema,
  signedOutSchema,
  teamAgentListSchema,
  teamAgentSchema,
  type AgentWithLink,
  type ChangePasswordRequest,
  type InvitationInfo,
  type InviteAgentRequest,
  type PasswordLink,
  type Profile,
  type SessionInfo,
  type SessionList,
  type SignedOut,
  type TeamAgent,
  type TeamAgentList,
  type UpdateAgentRequest,
  type UpdateProfileRequest,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { isApiError } from '../../api/errors.ts';
import { errorMessageKey, type ErrorMessageKey } from '../../api/errorMessages.ts';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

/** Under `cases` so that sign-out forgets them with the rest of the signed-in agent's data. */
export const teamQueryKeys = {
  agents: ['cases', 'team-agents'] as const,
  profile: ['cases', 'profile'] as const,
  sessions: ['cases', 'sessions'] as const,
};

const agentPath = (agentId: string) => `/api/admin/agents/${encodeURIComponent(agentId)}`;
const linkPath = (token: string) => `/api/invitations/${encodeURIComponent(token)}`;

/** Team administration (admins), one's own profile and sessions, and the public one-time password links. */
export function createTeamApi(http: HttpClient) {
  return {
    agents: (signal?: AbortSignal): Promise<TeamAgentList> =>
      http.json('GET', '/api/admin/agents', teamAgentListSchema, { signal }),
    invite: (request: InviteAgentRequest): Promise<AgentWithLink> =>
      http.json('POST', '/api/admin/agents', agentWithLinkSchema, { body: request }),
    update: (agentId: string, request: UpdateAgentRequest): Promise<TeamAgent> =>
      http.json('PATCH', agentPath(agentId), teamAgentSchema, { body: request }),
    deactivate: (agentId: string): Promise<TeamAgent> =>
      http.json('POST', `${agentPath(agentId)}/deactivate`, teamAgentSchema),
    reactivate: (agentId: string): Promise<TeamAgent> =>
      http.json('POST', `${agentPath(agentId)}/reactivate`, teamAgentSchema),
    passwordReset: (agentId: string): Promise<PasswordLink> =>
      http.json('POST', `${agentPath(agentId)}/password-reset`, passwordLinkSchema),
    signOutAgent: (agentId: string): Promise<SignedOut> =>
      http.json('POST', `${agentPath(agentId)}/sign-out`, signedOutSchema),

    profile: (signal?: AbortSignal): Promise<Profile> => http.json('GET', '/api/profile', profileSchema, { signal }),
    saveProfile: (request: UpdateProfileRequest): Promise<Profile> =>
      http.json('PUT', '/api/profile', profileSchema, { body: request }),
    changePassword: (request: ChangePasswordRequest): Promise<SignedOut> =>
      http.json('POST', '/api/profile/password', signedOutSchema, { body: request }),
    sessions: (signal?: AbortSignal): Promise<SessionList> =>
      http.json('GET', '/api/auth/sessions', sessionListSchema, { signal }),
    endSession: (sessionId: string): Promise<void> =>
      http.empty('DELETE', `/api/auth/sessions/${encodeURIComponent(sessionId)}`),
    signOutOthers: (): Promise<SignedOut> => http.json('POST', '/api/auth/sessions/sign-out-others', signedOutSchema),

    link: (token: string, signal?: AbortSignal): Promise<InvitationInfo> =>
      http.json('GET', linkPath(token), invitationInfoSchema, { signal, allowUnauthorized: true }),
    acceptLink: (token: string, password: string): Promise<SessionInfo> =>
      http.json('POST', `${linkPath(token)}/accept`, sessionInfoSchema, {
        body: { password },
        allowUnauthorized: true,
      }),
  };
}

export type TeamApi = ReturnType<typeof createTeamApi>;

export function useTeamApi(): TeamApi {
  const queryClient = useQueryClient();
  return useMemo(() => createTeamApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })), [queryClient]);
}

type TeamErrorKey =
  | 'team.errors.lastAdmin'
  | 'team.errors.emailTaken'
  | 'team.errors.unknownTeam'
  | 'team.errors.deactivated'
  | 'profile.errors.weakPassword'
  | 'profile.errors.wrongPassword'
  | 'profile.errors.timeZone'
  | 'profile.errors.initials'
  | 'invite.errors.invalid';

const byCode: Record<string, TeamErrorKey> = {
  'agent.last_admin': 'team.errors.lastAdmin',
  'agent.email_taken': 'team.errors.emailTaken',
  'agent.unknown_team': 'team.errors.unknownTeam',
  'agent.deactivated': 'team.errors.deactivated',
  'agent.weak_password': 'profile.errors.weakPassword',
  'profile.wrong_password': 'profile.errors.wrongPassword',
  'profile.invalid_time_zone': 'profile.errors.timeZone',
  'profile.invalid_initials': 'profile.errors.initials',
  'invitation.invalid': 'invite.errors.invalid',
};

/** The translation key for an error of these screens: their own codes first, then the app's general ones. */
export function teamErrorKey(error: unknown): TeamErrorKey | ErrorMessageKey {
  const own = isApiError(error) ? byCode[error.code] : undefined;
  return own ?? errorMessageKey(error);
}

/** The link to hand over: the server's full URL when GUICHET_PUBLIC_URL is set, else this page's origin. */
export function absoluteLink(link: PasswordLink, origin = window.location.origin): string {
  return link.url ?? `${origin}${link.path}`;
}
