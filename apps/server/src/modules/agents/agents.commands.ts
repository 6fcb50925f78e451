import type { AgentRole } from '@guichet/contracts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordEvents } from '../events/events.repository.ts';
import { findAgentByEmail, firstWorkspace, insertAgent, normaliseEmail } from './agents.repository.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';

export interface AddAgentInput {
  workspaceId: string;
  email: string;
  name: string;
  role: AgentRole;
  /** Generated when absent; the caller shows it once. */
  password?: string | undefined;
}

export interface AddedAgent {
  id: string;
  email: string;
  password: string;
  passwordGenerated: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function addAgent(deps: { db: Db; clock: Clock }, input: AddAgentInput): Promise<AddedAgent> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email))
    throw new AppError('agent.invalid_email', 'invalid', `"${input.email}" is not an email address.`);
  const name = input.name.trim();
  if (!name) throw new AppError('agent.invalid_name', 'invalid', 'An agent needs a name.');
  const password = input.password ?? generatePassword();
  const problem = passwordProblem(password);
  if (problem) throw new AppError('agent.weak_password', 'invalid', `The password ${problem}.`);
  if (await findAgentByEmail(deps.db, email)) {
    throw new AppError('agent.email_taken', 'conflict', `An agent with the email ${email} already exists.`);
  }
  const now = deps.clock.now().getTime();
  const id = newId(now);
  const passwordHash = await hashPassword(password);
  await deps.db.transaction().execute(async (tx) => {
    await insertAgent(tx, {
      id,
      workspace_id: input.workspaceId,
      email,
      name,
      role: input.role,
      password_hash: passwordHash,
      locale: null,
      time_zone: null,
      created_at: now,
      disabled_at: null,
    });
    await recordEvents(tx, [
      {
        workspaceId: input.workspaceId,
        type: 'agent.added',
        subjectId: id,
        actor: { type: 'system' },
        payload: { email, role: input.role },
        occurredAt: now,
      },
    ]);
  });
  return { id, email, password, passwordGenerated: input.password === undefined };
}

export interface BootstrapResult {
  workspaceId: string;
  /** Set only when this call created the first admin. */
  admin?: AddedAgent;
}

/**
 * First start on an empty database: create the workspace and a first admin, from
 * GUICHET_ADMIN_EMAIL / GUICHET_ADMIN_PASSWORD when given, else with a generated password shown once.
 */
export async function bootstrapWorkspace(
  deps: { db: Db; clock: Clock },
  admin: { email: string | undefined; password: string | undefined },
): Promise<BootstrapResult> {
  const existing = await firstWorkspace(deps.db);
  if (existing) return { workspaceId: existing.id };
  const now = deps.clock.now().getTime();
  const workspaceId = newId(now);
  await deps.db
    .insertInto('workspaces')
    .values({ id: workspaceId, name: 'Guichet', settings: '{}', created_at: now })
    .execute();
  const added = await addAgent(deps, {
    workspaceId,
    email: admin.email ?? 'admin@guichet.local',
    name: 'Admin',
    role: 'admin',
    password: admin.password,
  });
  return { workspaceId, admin: added };
}
