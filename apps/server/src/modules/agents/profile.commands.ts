import {
  defaultNotificationPrefs,
  notificationPrefsSchema,
  type NotificationPrefs,
  type Profile,
  type UpdateProfileRequest,
} from '@guichet/contracts';
import type { DbOrTx } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { deleteSessions } from '../auth/sessions.ts';
import { claimSignInAttempt, clearAccountFailures } from '../auth/sign-in-throttle.ts';
import { isValidTimeZone } from '../business-hours/business-time.ts';
import { auditAgent, type AdminActor, type AgentAdminDeps } from './agent-admin.commands.ts';
import { expireUnusedLinks } from './agent-links.ts';
import { findAgentById } from './agents.repository.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

function notificationPrefs(json: string | null): NotificationPrefs {
  if (!json) return defaultNotificationPrefs;
  try {
    const parsed = notificationPrefsSchema.safeParse({ ...defaultNotificationPrefs, ...JSON.parse(json) });
    return parsed.success ? parsed.data : defaultNotificationPrefs;
  } catch {
    return defaultNotificationPrefs;
  }
}

export async function getProfile(db: DbOrTx, agentId: string): Promise<Profile> {
  const agent = await findAgentById(db, agentId);
  if (!agent) throw new AppError('agent.not_found', 'not_found', 'This agent does not exist.');
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    initials: agent.initials,
    locale: agent.locale,
    timeZone: agent.time_zone,
    notifications: notificationPrefs(agent.notification_prefs),
  };
}

/** An agent's own settings: how they sign, which language the desk speaks to them, their time zone. */
export async function updateProfile(
  deps: Pick<AgentAdminDeps, 'db' | 'clock'>,
  actor: AdminActor & { agentId: string },
  input: UpdateProfileRequest,
): Promise<Profile> {
  if (input.timeZone !== null && !isValidTimeZone(input.timeZone)) {
    throw new AppError('profile.invalid_time_zone', 'invalid', `"${input.timeZone}" is not a known time zone.`);
  }
  if (input.initials !== null && /[\s{}<>]/.test(input.initials)) {
    throw new AppError('profile.invalid_initials', 'invalid', 'Initials are one short word, such as ^JD.');
  }
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (tx) => {
    const before = await getProfile(tx, actor.agentId);
    await tx
      .updateTable('agents')
      .set({
        name: input.name,
        initials: input.initials,
        locale: input.locale,
        time_zone: input.timeZone,
        notification_prefs: JSON.stringify(input.notifications),
      })
      .where('id', '=', actor.agentId)
      .execute();
    const after = await getProfile(tx, actor.agentId);
    const pick = ({ name, initials, locale, timeZone, notifications }: Profile) => ({
      name,
      initials,
      locale,
      timeZone,
      notifications,
    });
    if (JSON.stringify(pick(before)) !== JSON.stringify(pick(after))) {
      await auditAgent(tx, actor, actor.agentId, {
        action: 'agent.profile_updated',
        before: pick(before),
        after: pick(after),
        occurredAt: now,
      });
    }
    return after;
  });
}

function checkNewPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('agent.weak_password', 'invalid', `The password ${problem}.`);
}

/**
 * The agent changes their own password, proving the current one; their other sessions end (someone who
 * knew the old password is signed out), this one stays.
 */
export async function changeOwnPassword(
  deps: AgentAdminDeps,
  actor: AdminActor & { agentId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
): Promise<number> {
  checkNewPassword(input.newPassword);
  const agent = await findAgentById(deps.db, actor.agentId);
  if (!agent) throw new AppError('agent.not_found', 'not_found', 'This agent does not exist.');
  // Guessing the current password from a borrowed session counts against the account like sign-in guesses.
  await claimSignInAttempt(deps, agent.email);
  if (!(await verifyPassword(agent.password_hash, input.currentPassword))) {
    throw new AppError('profile.wrong_password', 'invalid', 'The current password is not right.');
  }
  await clearAccountFailures(deps.db, agent.email);
  const hash = await hashPassword(input.newPassword);
  const now = deps.clock.now().getTime();
  const ended = await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('agents').set({ password_hash: hash }).where('id', '=', actor.agentId).execute();
    const sessions = await deleteSessions(tx, { agentId: actor.agentId, exceptSessionId: actor.sessionId });
    await auditAgent(tx, actor, actor.agentId, {
      action: 'agent.password_changed',
      details: { by: 'self', otherSessionsEnded: sessions.length },
      occurredAt: now,
    });
    return sessions;
  });
  if (ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: ended });
  return ended.length;
}

/**
 * The operator sets an agent's password from the server's console (an admin locked out of the browser):
 * every session of that agent ends, and any unused link stops working.
 */
export async function setAgentPassword(
  deps: AgentAdminDeps,
  actor: AdminActor,
  agentId: string,
  password: string,
): Promise<void> {
  checkNewPassword(password);
  const hash = await hashPassword(password);
  const now = deps.clock.now().getTime();
  const ended = await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('agents').set({ password_hash: hash }).where('id', '=', agentId).execute();
    // A password set by the operator counts as joining: the agent is no longer "invited".
    await expireUnusedLinks(tx, agentId, now);
    await tx
      .updateTable('agent_invitations')
      .set({ used_at: now })
      .where('agent_id', '=', agentId)
      .where('used_at', 'is', null)
      .execute();
    const sessions = await deleteSessions(tx, { agentId });
    await auditAgent(tx, actor, agentId, {
      action: 'agent.password_changed',
      details: { by: actor.agentId ? 'admin' : 'cli', sessionsEnded: sessions.length },
      occurredAt: now,
    });
    return sessions;
  });
  if (ended.length > 0) deps.realtime.publishControl({ type: 'session.revoked', sessionIds: ended });
}
