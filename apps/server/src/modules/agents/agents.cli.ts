import type { Command } from 'commander';
import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { InProcessRealtimeBus } from '../../platform/realtime.ts';
import { deactivateAgent, type AgentAdminDeps } from './agent-admin.commands.ts';
import { listTeamAgents } from './agent-admin.queries.ts';
import { findAgentByEmail } from './agents.repository.ts';
import { generatePassword } from './passwords.ts';
import { setAgentPassword } from './profile.commands.ts';

/** Runs a command against the migrated database (the caller opens, migrates and closes it). */
export type WithDb = (action: (db: Db, config: Config) => Promise<void>) => Promise<void>;

// The CLI is another process: its bus reaches no socket. The desk's own check (every minute) closes the
// sockets of sessions it ended. The operator at the server's console acts as the desk itself: the audit
// trail says `system` (cli).
const cliDeps = (db: Db, config: Config): AgentAdminDeps => ({
  db,
  clock: systemClock,
  realtime: new InProcessRealtimeBus(),
  config,
});

async function agentByEmail(db: Db, email: string) {
  const agent = await findAgentByEmail(db, email);
  if (!agent) throw new AppError('agent.not_found', 'not_found', `No agent has the email ${email}.`);
  return agent;
}

const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * `agent list`, `agent set-password`, `agent deactivate`: for an operator with shell access, such as an
 * admin who forgot their password, or a colleague who must leave at once while no admin is at hand.
 */
export function addAgentAdminCommands(agent: Command, withDb: WithDb): void {
  agent
    .command('list')
    .description('list the agents: email, name, role, status, teams and last sign-in')
    .action(() =>
      withDb(async (db) => {
        const workspace = await db.selectFrom('workspaces').select('id').orderBy('created_at').executeTakeFirst();
        if (!workspace) return write('No workspace yet: start the desk once, or add an agent.');
        const teams = await db.selectFrom('teams').select(['id', 'name']).execute();
        const teamName = new Map(teams.map((t) => [t.id, t.name]));
        const rows = (await listTeamAgents(db, workspace.id)).map((a) => [
          a.email,
          a.name,
          a.role,
          a.status,
          a.teamIds.map((id) => teamName.get(id) ?? id).join(', ') || '-',
          a.lastSignInAt ? a.lastSignInAt.slice(0, 16).replace('T', ' ') + ' UTC' : 'never',
        ]);
        const table = [['EMAIL', 'NAME', 'ROLE', 'STATUS', 'TEAMS', 'LAST SIGN-IN'], ...rows];
        const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        for (const row of table)
          write(
            row
              .map((cell, i) => cell.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
      }),
    );

  agent
    .command('set-password')
    .description('set an agent’s password and sign them out everywhere; prints a generated one unless given')
    .requiredOption('--email <email>', 'the agent’s sign-in email')
    .option('--password <password>', 'the new password (at least 10 characters)')
    .action((options: { email: string; password?: string }) =>
      withDb(async (db, config) => {
        const target = await agentByEmail(db, options.email);
        const password = options.password ?? generatePassword();
        await setAgentPassword(
          cliDeps(db, config),
          { workspaceId: target.workspace_id, agentId: null },
          target.id,
          password,
        );
        write(`Password of ${target.email} changed; their sessions have ended.`);
        if (options.password === undefined) write(`New password (shown once): ${password}`);
        if (target.disabled_at !== null)
          write('This agent is deactivated: an admin reactivates them from the team screen.');
      }),
    );

  agent
    .command('deactivate')
    .description('deactivate an agent: no sign-in, every session ended (the last active admin cannot be)')
    .requiredOption('--email <email>', 'the agent’s sign-in email')
    .action((options: { email: string }) =>
      withDb(async (db, config) => {
        const target = await agentByEmail(db, options.email);
        if (target.disabled_at !== null) return write(`${target.email} is already deactivated.`);
        await deactivateAgent(cliDeps(db, config), { workspaceId: target.workspace_id, agentId: null }, target.id);
        write(`Deactivated ${target.email}; their sessions have ended.`);
      }),
    );
}
