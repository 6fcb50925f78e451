import type { AgentWithLink, InvitationInfo, PasswordLink, TeamAgent, TeamAgentList } from '@guichet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { agentWithRole, call, invitedAgent, PASSWORD } from './team-kit.ts';
import { createTestApp, TEST_ADMIN, type TestApp } from './test-app.ts';

const tokenOf = (link: PasswordLink) => link.path.split('/').pop()!;

describe.each(TEST_DIALECTS)('team administration (%s)', (dialect) => {
  let app: TestApp;
  let admin: string;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const audit = (action: string) =>
    app.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('occurred_at').execute();
  const agents = async () => (await call<TeamAgentList>(app, 'GET', '/api/admin/agents', admin)).body.agents;
  const find = async (email: string) => (await agents()).find((a) => a.email === email)!;

  beforeAll(async () => {
    app = await createTestApp({ dialect, clock, env: { GUICHET_SANDBOX: 'off' } });
    admin = await app.signIn();
  });
  afterAll(async () => {
    await app.close();
  });

  it('invites an agent with a one-time link that sets the password and signs them in', async () => {
    const team = await call(app, 'POST', '/api/teams', admin, { name: 'Billing' });
    const invited = await call<AgentWithLink>(app, 'POST', '/api/admin/agents', admin, {
      email: 'Nadia.Benali@acme.test',
      name: 'Nadia Benali',
      role: 'agent',
      teamIds: [team.body.id],
    });
    expect(invited.status).toBe(201);
    expect(invited.body.agent).toMatchObject({
      email: 'nadia.benali@acme.test',
      role: 'agent',
      status: 'invited',
      teamIds: [team.body.id],
      lastSignInAt: null,
    });
    const { link } = invited.body;
    expect(link).toMatchObject({ kind: 'invite', url: null, expiresAt: '2026-03-09T09:00:00.000Z' });
    expect(link.path).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const stored = await app.deps.db.selectFrom('agent_invitations').selectAll().execute();
    expect(stored.map((row) => row.token_hash)).not.toContain(tokenOf(link));

    // Not someone a case can be assigned to until they join.
    const assignable = await call(app, 'GET', '/api/agents', admin);
    expect(assignable.body.agents.map((a: { id: string }) => a.id)).not.toContain(invited.body.agent.id);
    // Nobody can sign in to the account before the link is used.
    const early = await call(app, 'POST', '/api/auth/sign-in', undefined, {
      email: 'nadia.benali@acme.test',
      password: 'any guess at all',
    });
    expect(early.status).toBe(401);

    const info = await call<InvitationInfo>(app, 'GET', `/api/invitations/${tokenOf(link)}`, undefined);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      kind: 'invite',
      email: 'nadia.benali@acme.test',
      name: 'Nadia Benali',
      workspaceName: 'Guichet',
      expiresAt: '2026-03-09T09:00:00.000Z',
    });
    const weak = await call(app, 'POST', `/api/invitations/${tokenOf(link)}/accept`, undefined, { password: 'short' });
    expect(weak.status).toBe(400);

    clock.advanceBy(60_000);
    const accepted = await call(app, 'POST', `/api/invitations/${tokenOf(link)}/accept`, undefined, {
      password: PASSWORD,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.agent).toMatchObject({ email: 'nadia.benali@acme.test', role: 'agent' });
    const session = await call(app, 'GET', '/api/auth/session', accepted.cookie);
    expect(session.body.agent.name).toBe('Nadia Benali');
    const joined = await call(app, 'GET', '/api/agents', admin);
    expect(joined.body.agents.map((a: { id: string }) => a.id)).toContain(invited.body.agent.id);

    // Once only.
    const again = await call(app, 'POST', `/api/invitations/${tokenOf(link)}/accept`, undefined, {
      password: 'another long password',
    });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('invitation.invalid');
    expect((await call(app, 'GET', `/api/invitations/${tokenOf(link)}`, undefined)).status).toBe(404);

    expect(await find('nadia.benali@acme.test')).toMatchObject({
      status: 'active',
      lastSignInAt: '2026-03-02T09:01:00.000Z',
    });
    const [line] = await audit('agent.invited');
    expect(line).toMatchObject({
      actor_type: 'agent',
      actor_label: TEST_ADMIN.email,
      subject_id: invited.body.agent.id,
    });
    expect(JSON.parse(line!.after!)).toEqual({
      email: 'nadia.benali@acme.test',
      name: 'Nadia Benali',
      role: 'agent',
      teamIds: [team.body.id],
    });
    expect(await audit('agent.invitation_accepted')).toHaveLength(1);
  });

  it('refuses a taken email, an unknown team, and a link that expired', async () => {
    const taken = await call(app, 'POST', '/api/admin/agents', admin, {
      email: TEST_ADMIN.email,
      name: 'X',
      role: 'agent',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('agent.email_taken');
    const team = await call(app, 'POST', '/api/admin/agents', admin, {
      email: 'someone@acme.test',
      name: 'Someone',
      role: 'agent',
      teamIds: ['no-such-team'],
    });
    expect(team.status).toBe(400);
    expect(team.body.error.code).toBe('agent.unknown_team');
    expect(await find('someone@acme.test')).toBeUndefined();

    const invited = await call<AgentWithLink>(app, 'POST', '/api/admin/agents', admin, {
      email: 'late@acme.test',
      name: 'Late Comer',
      role: 'trainee',
    });
    clock.advanceBy(7 * 24 * 60 * 60_000 + 1);
    const expired = await call(app, 'POST', `/api/invitations/${tokenOf(invited.body.link)}/accept`, undefined, {
      password: PASSWORD,
    });
    expect(expired.status).toBe(404);
    // A new link for the invitee is a fresh invitation; the old one stays dead.
    const fresh = await call<PasswordLink>(
      app,
      'POST',
      `/api/admin/agents/${invited.body.agent.id}/password-reset`,
      admin,
    );
    expect(fresh.body.kind).toBe('invite');
    expect((await find('late@acme.test')).status).toBe('invited');
    const ok = await call(app, 'POST', `/api/invitations/${tokenOf(fresh.body)}/accept`, undefined, {
      password: PASSWORD,
    });
    expect(ok.status).toBe(200);
    admin = await app.signIn();
  });

  it('changes roles and teams, with before and after in the audit trail', async () => {
    const someone = await invitedAgent(app, admin, 'roles@acme.test');
    const team = await call(app, 'POST', '/api/teams', admin, { name: 'Nights' });
    const changed = await call<TeamAgent>(app, 'PATCH', `/api/admin/agents/${someone.id}`, admin, {
      role: 'lead',
      teamIds: [team.body.id],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ role: 'lead', teamIds: [team.body.id] });
    // The new role applies to the agent's open session at once.
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).body.agent.role).toBe('lead');

    const role = (await audit('agent.role_changed')).find((line) => line.subject_id === someone.id)!;
    expect([JSON.parse(role.before!), JSON.parse(role.after!)]).toEqual([{ role: 'agent' }, { role: 'lead' }]);
    const teams = (await audit('agent.teams_changed')).find((line) => line.subject_id === someone.id)!;
    expect([JSON.parse(teams.before!), JSON.parse(teams.after!)]).toEqual([
      { teamIds: [] },
      { teamIds: [team.body.id] },
    ]);
    expect(role.ip).toBe('127.0.0.1');

    // Saying the same again changes nothing and writes nothing.
    await call(app, 'PATCH', `/api/admin/agents/${someone.id}`, admin, { role: 'lead', teamIds: [team.body.id] });
    expect((await audit('agent.role_changed')).filter((line) => line.subject_id === someone.id)).toHaveLength(1);
    const empty = await call(app, 'PATCH', `/api/admin/agents/${someone.id}`, admin, {});
    expect(empty.status).toBe(400);
  });

  it('never lets the last active admin be demoted or deactivated', async () => {
    const adminId = (await find(TEST_ADMIN.email)).id;
    const demote = await call(app, 'PATCH', `/api/admin/agents/${adminId}`, admin, { role: 'lead' });
    expect(demote.status).toBe(409);
    expect(demote.body.error).toMatchObject({
      code: 'agent.last_admin',
      message: expect.stringContaining('last active admin'),
    });
    expect((await call(app, 'POST', `/api/admin/agents/${adminId}/deactivate`, admin)).status).toBe(409);
    // An admin who never used their invitation cannot run anything: they do not count.
    const pending = await call<AgentWithLink>(app, 'POST', '/api/admin/agents', admin, {
      email: 'pending.admin@acme.test',
      name: 'Pending Admin',
      role: 'admin',
    });
    expect((await call(app, 'PATCH', `/api/admin/agents/${adminId}`, admin, { role: 'lead' })).status).toBe(409);
    await call(app, 'POST', `/api/invitations/${tokenOf(pending.body.link)}/accept`, undefined, { password: PASSWORD });
    // With a second active admin, the first may step down, and is a lead from their next request on.
    expect((await call(app, 'PATCH', `/api/admin/agents/${adminId}`, admin, { role: 'lead' })).status).toBe(200);
    expect((await call(app, 'PATCH', `/api/admin/agents/${adminId}`, admin, { role: 'admin' })).status).toBe(403);
    const second = await app.signIn({ email: 'pending.admin@acme.test', password: PASSWORD });
    expect((await call(app, 'PATCH', `/api/admin/agents/${adminId}`, second, { role: 'admin' })).status).toBe(200);
    expect((await call(app, 'GET', '/api/auth/session', admin)).body.agent.role).toBe('admin');
  });

  it('deactivates an agent at once (sessions gone, no sign-in) and reactivates them', async () => {
    const someone = await invitedAgent(app, admin, 'leaving@acme.test');
    const other = await app.signIn({ email: 'leaving@acme.test', password: PASSWORD });
    const off = await call<TeamAgent>(app, 'POST', `/api/admin/agents/${someone.id}/deactivate`, admin);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'deactivated', deactivatedAt: expect.any(String) });
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/session', other)).status).toBe(401);
    expect(await app.deps.db.selectFrom('sessions').select('id').where('agent_id', '=', someone.id).execute()).toEqual(
      [],
    );
    const signIn = await call(app, 'POST', '/api/auth/sign-in', undefined, {
      email: someone.email,
      password: PASSWORD,
    });
    expect(signIn.status).toBe(401);
    // Nor can an admin hand them a password link while they are out.
    expect((await call(app, 'POST', `/api/admin/agents/${someone.id}/password-reset`, admin)).status).toBe(409);
    // They no longer appear among the people a case can be assigned to.
    const assignable = await call(app, 'GET', '/api/agents', admin);
    expect(assignable.body.agents.map((a: { id: string }) => a.id)).not.toContain(someone.id);

    const deactivated = (await audit('agent.deactivated')).find((line) => line.subject_id === someone.id)!;
    expect(JSON.parse(deactivated.details!)).toEqual({ sessionsEnded: 2, casesReturned: 0 });

    const on = await call<TeamAgent>(app, 'POST', `/api/admin/agents/${someone.id}/reactivate`, admin);
    expect(on.body).toMatchObject({ status: 'active', deactivatedAt: null });
    expect(
      (await call(app, 'POST', '/api/auth/sign-in', undefined, { email: someone.email, password: PASSWORD })).status,
    ).toBe(200);
    expect((await audit('agent.reactivated')).map((line) => line.subject_id)).toContain(someone.id);
  });

  it('resets a password with a one-time link: the old password and sessions end when it is used', async () => {
    const someone = await invitedAgent(app, admin, 'forgetful@acme.test');
    const link = await call<PasswordLink>(app, 'POST', `/api/admin/agents/${someone.id}/password-reset`, admin);
    expect(link.body).toMatchObject({ kind: 'reset', path: expect.stringMatching(/^\/reset-password\//) });
    expect(new Date(link.body.expiresAt).getTime() - clock.now().getTime()).toBe(24 * 60 * 60_000);
    // Until it is used, nothing changes.
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(200);
    const info = await call<InvitationInfo>(app, 'GET', `/api/invitations/${tokenOf(link.body)}`, undefined);
    expect(info.body.kind).toBe('reset');

    const used = await call(app, 'POST', `/api/invitations/${tokenOf(link.body)}/accept`, undefined, {
      password: 'a brand new password',
    });
    expect(used.status).toBe(200);
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/session', used.cookie)).status).toBe(200);
    const oldPassword = await call(app, 'POST', '/api/auth/sign-in', undefined, {
      email: someone.email,
      password: PASSWORD,
    });
    expect(oldPassword.status).toBe(401);

    const issued = (await audit('agent.password_reset_issued')).find((line) => line.subject_id === someone.id)!;
    expect(JSON.parse(issued.details!)).toMatchObject({ kind: 'reset' });
    const changed = (await audit('agent.password_changed')).find((line) => line.subject_id === someone.id)!;
    expect(JSON.parse(changed.details!)).toEqual({ by: 'reset_link', sessionsEnded: 1 });
    // No secret reaches the audit trail.
    const everything = JSON.stringify(await app.deps.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(tokenOf(link.body));
    expect(everything).not.toContain('a brand new password');
  });

  it('signs an agent out everywhere on an admin’s request', async () => {
    const someone = await invitedAgent(app, admin, 'laptop.lost@acme.test');
    const second = await app.signIn({ email: someone.email, password: PASSWORD });
    const revoked = await call(app, 'POST', `/api/admin/agents/${someone.id}/sign-out`, admin);
    expect(revoked.body).toEqual({ signedOut: 2 });
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(401);
    expect((await call(app, 'GET', '/api/auth/session', second)).status).toBe(401);
    const line = (await audit('agent.sessions_revoked')).find((l) => l.subject_id === someone.id)!;
    expect(JSON.parse(line.details!)).toEqual({ sessionsEnded: 2, scope: 'all' });
  });

  it('keeps every admin route to admins: agents, trainees and leads get 403', async () => {
    const target = (await find(TEST_ADMIN.email)).id;
    const routes = app.http.registeredRoutes.filter(
      (r) => r.url.startsWith('/api/admin/agents') && r.method !== 'HEAD',
    );
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /api/admin/agents',
      'PATCH /api/admin/agents/:agentId',
      'POST /api/admin/agents',
      'POST /api/admin/agents/:agentId/deactivate',
      'POST /api/admin/agents/:agentId/password-reset',
      'POST /api/admin/agents/:agentId/reactivate',
      'POST /api/admin/agents/:agentId/sign-out',
    ]);
    const bodies: Record<string, unknown> = {
      'POST /api/admin/agents': { email: 'sneaky@acme.test', name: 'Sneaky', role: 'admin' },
      'PATCH /api/admin/agents/:agentId': { role: 'trainee' },
    };
    for (const role of ['agent', 'trainee', 'lead'] as const) {
      const { cookie } = await agentWithRole(app, role, `forbidden.${role}@acme.test`);
      for (const route of routes) {
        const response = await call(
          app,
          route.method as 'GET',
          route.url.replace(':agentId', target),
          cookie,
          bodies[`${route.method} ${route.url}`],
        );
        expect({ role, route: `${route.method} ${route.url}`, status: response.status }).toEqual({
          role,
          route: `${route.method} ${route.url}`,
          status: 403,
        });
      }
    }
    expect(await find('sneaky@acme.test')).toBeUndefined();
    expect((await find(TEST_ADMIN.email)).role).toBe('admin');
  });

  it('keeps connecting X accounts (credentials) to admins; leads keep the work settings', async () => {
    const lead = (await agentWithRole(app, 'lead', 'credentials.lead@acme.test')).cookie;
    const keys = { apiKey: 'k', apiSecret: 's', accessToken: 't', accessSecret: 'a', sandbox: true };
    expect((await call(app, 'POST', '/api/channels/x/keys', lead, keys)).status).toBe(403);
    expect((await call(app, 'GET', '/api/channels/x/oauth2/start', lead)).status).toBe(403);
    expect((await call(app, 'GET', '/api/channels/x/oauth2/callback?state=a&code=b', lead)).status).toBe(403);
    // The admin passes the role check (and then meets X's answer: here, no OAuth 2.0 app configured).
    const adminStart = await call(app, 'GET', '/api/channels/x/oauth2/start', admin);
    expect(adminStart.status).not.toBe(403);
    // Leads still run the desk's work settings.
    expect((await call(app, 'POST', '/api/teams', lead, { name: 'Lead-made team' })).status).toBe(201);
  });
});
