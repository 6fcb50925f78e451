import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SOCKETS_PER_SESSION } from '../src/modules/realtime/socket-registry.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { TEST_DIALECTS } from './databases.ts';
import { call, DESK_HOST, invitedAgent, openSocket, PASSWORD, type OpenSocket } from './team-kit.ts';
import { createTestApp, type TestApp } from './test-app.ts';

const DAY = 24 * 60 * 60_000;
const SESSION_ENDED = 4401;

/** The socket's own end of the story: the server closed it with this code. */
const closedWith = (socket: { closeCode(): number | undefined }) =>
  expect.poll(() => socket.closeCode(), { timeout: 10_000, interval: 50 });

/**
 * Opens one more socket on this session and says whether the server serves it (events published to the
 * workspace arrive) or refuses it (closes it). A served socket is left open in `keep`.
 */
async function servedOrRefused(app: TestApp, cookie: string, keep: OpenSocket[]): Promise<'served' | 'refused'> {
  const socket = await openSocket(app, cookie);
  keep.push(socket);
  let nudge: NodeJS.Timeout | undefined;
  try {
    return await new Promise<'served' | 'refused'>((resolve) => {
      socket.ws.once('message', () => resolve('served'));
      socket.ws.once('close', () => resolve('refused'));
      nudge = setInterval(() => {
        if (socket.closeCode() !== undefined) resolve('refused');
        else app.deps.realtime.publish(app.deps.bootstrap.workspaceId, { type: 'absence.changed', updatedAt: 'now' });
      }, 20);
    });
  } finally {
    clearInterval(nudge);
  }
}

describe.each(TEST_DIALECTS)('the realtime socket and sessions (%s)', (dialect) => {
  let app: TestApp;
  let admin: string;
  const clock = new ManualClock('2026-05-04T08:00:00.000Z');

  beforeAll(async () => {
    app = await createTestApp({ dialect, clock, env: { GUICHET_SANDBOX: 'off' } });
    admin = await app.signIn();
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses a socket opened from another site, and accepts the desk’s own pages', async () => {
    await expect(openSocket(app, admin, 'https://evil.example')).rejects.toThrow(/403/);
    await expect(openSocket(app, admin, 'null')).rejects.toThrow(/403/);
    await expect(openSocket(app, admin, `http://${DESK_HOST}.evil.example`)).rejects.toThrow(/403/);
    const own = await openSocket(app, admin, `http://${DESK_HOST}`);
    own.ws.terminate();
    // A client that sends no Origin is not a browser: no page can lend it the agent's cookie.
    const noOrigin = await openSocket(app, admin);
    noOrigin.ws.terminate();
    await expect(openSocket(app, 'guichet_session=nope', `http://${DESK_HOST}`)).rejects.toThrow(/401/);
  });

  it('closes the sockets of a session that signs out, and only those', async () => {
    const someone = await invitedAgent(app, admin, 'signout@acme.test');
    const otherTab = await app.signIn({ email: someone.email, password: PASSWORD });
    const first = await openSocket(app, someone.cookie);
    const second = await openSocket(app, someone.cookie);
    const kept = await openSocket(app, otherTab);
    expect((await call(app, 'POST', '/api/auth/sign-out', someone.cookie)).status).toBe(204);
    await closedWith(first).toBe(SESSION_ENDED);
    await closedWith(second).toBe(SESSION_ENDED);
    expect(kept.closeCode()).toBeUndefined();
    kept.ws.terminate();
  });

  it('closes every socket of a deactivated agent at once', async () => {
    const someone = await invitedAgent(app, admin, 'deactivated@acme.test');
    const tabs = [await openSocket(app, someone.cookie), await openSocket(app, someone.cookie)];
    const adminTab = await openSocket(app, admin);
    expect((await call(app, 'POST', `/api/admin/agents/${someone.id}/deactivate`, admin)).status).toBe(200);
    for (const tab of tabs) await closedWith(tab).toBe(SESSION_ENDED);
    expect(adminTab.closeCode()).toBeUndefined();
    adminTab.ws.terminate();
  });

  it('closes the other sessions’ sockets on a password change and on a forced sign-out', async () => {
    const someone = await invitedAgent(app, admin, 'password@acme.test');
    const elsewhere = await app.signIn({ email: someone.email, password: PASSWORD });
    const here = await openSocket(app, someone.cookie);
    const there = await openSocket(app, elsewhere);
    await call(app, 'POST', '/api/profile/password', someone.cookie, {
      currentPassword: PASSWORD,
      newPassword: 'the next long password',
    });
    await closedWith(there).toBe(SESSION_ENDED);
    expect(here.closeCode()).toBeUndefined();
    await call(app, 'POST', `/api/admin/agents/${someone.id}/sign-out`, admin);
    await closedWith(here).toBe(SESSION_ENDED);
  });

  it('closes a socket once its session expires, without anyone signing out', async () => {
    const someone = await invitedAgent(app, admin, 'expiring@acme.test');
    const tab = await openSocket(app, someone.cookie);
    // Kept busy, the session slides; the socket stays.
    clock.advanceBy(10 * DAY);
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(200);
    clock.advanceBy(10 * DAY);
    expect((await call(app, 'GET', '/api/auth/session', someone.cookie)).status).toBe(200);
    expect(tab.closeCode()).toBeUndefined();
    // 30 days after sign-in it ends however busy: the socket follows within the check's period.
    clock.advanceBy(10 * DAY);
    await closedWith(tab).toBe(SESSION_ENDED);
    admin = await app.signIn();
  });

  it(`caps the sockets of one session at ${MAX_SOCKETS_PER_SESSION}`, async () => {
    const tabs: OpenSocket[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_SESSION; i++) tabs.push(await openSocket(app, admin));
    const extra = await openSocket(app, admin);
    await closedWith(extra).toBe(4429);
    expect(tabs.map((tab) => tab.closeCode())).toEqual(tabs.map(() => undefined));
    // A closed tab frees its place: a new socket is served events again.
    tabs[0]!.ws.close();
    await expect.poll(() => servedOrRefused(app, admin, tabs)).toBe('served');
    for (const tab of tabs) tab.ws.terminate();
  });
});
