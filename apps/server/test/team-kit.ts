import type { AgentRole, AgentWithLink } from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { TestApp } from './test-app.ts';

/** Helpers shared by the team administration, sessions and realtime suites. */

export interface Reply<T = any> {
  status: number;
  body: T;
  cookie: string | undefined;
}

/** A JSON call as whoever `cookie` belongs to; body-less changes still say they are JSON, as the web app does. */
export async function call<T = any>(
  app: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  cookie: string | undefined,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const response = await app.http.inject({
    method,
    url,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  const session = response.cookies.find((c) => c.name === 'guichet_session');
  return {
    status: response.statusCode,
    body: (response.body ? response.json() : null) as T,
    cookie: session?.value ? `guichet_session=${session.value}` : undefined,
  };
}

export const PASSWORD = 'a long enough password';

/** An agent added the way the CLI does, signed in; returns the session cookie. */
export async function agentWithRole(app: TestApp, role: AgentRole, email = `${role}@acme.test`) {
  const added = await addAgent(app.deps, {
    workspaceId: app.deps.bootstrap.workspaceId,
    email,
    name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`,
    role,
    password: PASSWORD,
  });
  const cookie = await app.signIn({ email, password: PASSWORD });
  return { id: added.id, email, cookie };
}

/** Invites someone as the admin, uses the link, and returns their session. */
export async function invitedAgent(app: TestApp, adminCookie: string, email: string, role: AgentRole = 'agent') {
  const invited = await call<AgentWithLink>(app, 'POST', '/api/admin/agents', adminCookie, {
    email,
    name: 'Invited Person',
    role,
  });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const token = invited.body.link.path.split('/').pop()!;
  const accepted = await call(app, 'POST', `/api/invitations/${token}/accept`, undefined, { password: PASSWORD });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { id: invited.body.agent.id, email, cookie: accepted.cookie! };
}

type WebSocket = Awaited<ReturnType<TestApp['http']['injectWS']>>;

export interface OpenSocket {
  ws: WebSocket;
  /** The close code once the server closed the socket. */
  closeCode(): number | undefined;
}

export const DESK_HOST = 'desk.example.test';

/** Opens the realtime socket as a browser tab would; listeners are attached before it opens. */
export async function openSocket(app: TestApp, cookie: string, origin?: string): Promise<OpenSocket> {
  let code: number | undefined;
  const ws = await app.http.injectWS(
    '/api/realtime',
    // Browsers send the desk's Host; injectWS sends none unless told.
    { headers: { host: DESK_HOST, cookie, ...(origin ? { origin } : {}) } },
    { onInit: (socket) => socket.on('close', (closeCode: number) => (code = closeCode)) },
  );
  return { ws, closeCode: () => code };
}
