import { Command, InvalidArgumentError } from 'commander';
import { agentRoleSchema } from '@guichet/contracts';
import { migrateToLatest } from './migrations/registry.ts';
import { addAgent, bootstrapWorkspace } from './modules/agents/agents.commands.ts';
import { systemClock } from './platform/clock.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/database.ts';
import { AppError, StartupError } from './platform/errors.ts';
import { runFromEnvironment } from './main.ts';
import { VERSION } from './composition.ts';

/** Runs a command; expected failures print one sentence and exit 1, never a stack trace. */
async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof StartupError || error instanceof AppError) {
      process.stderr.write(`guichet: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function withDatabase<T>(action: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    return await action(database);
  } finally {
    await database.close();
  }
}

const program = new Command()
  .name('guichet')
  .description('Guichet, the social customer-care desk for X')
  .version(VERSION);

program
  .command('start', { isDefault: true })
  .description('start the desk (web, worker and scheduler roles unless --roles says otherwise)')
  .option('--roles <roles>', 'comma list of web, worker, scheduler, or "all"')
  .action((options: { roles?: string }) => guarded(() => runFromEnvironment(options)));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(() =>
    guarded(() =>
      withDatabase(async ({ db }) => {
        const report = await migrateToLatest(db);
        process.stdout.write(
          report.applied.length > 0
            ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\n`
            : `Database is up to date (${report.alreadyApplied} migration(s) applied before).\n`,
        );
      }),
    ),
  );

const agent = program.command('agent').description('manage agents');
agent
  .command('add')
  .description('add an agent to the workspace; prints a generated password unless --password is given')
  .requiredOption('--email <email>', 'sign-in email')
  .requiredOption('--name <name>', 'display name, e.g. "Julie Dupont"')
  .option(
    '--role <role>',
    'admin, lead, agent or trainee',
    (value) => {
      const parsed = agentRoleSchema.safeParse(value);
      if (!parsed.success) throw new InvalidArgumentError('must be admin, lead, agent or trainee');
      return parsed.data;
    },
    'agent',
  )
  .option('--password <password>', 'initial password (at least 10 characters)')
  .action((options: { email: string; name: string; role: 'admin' | 'lead' | 'agent' | 'trainee'; password?: string }) =>
    guarded(() =>
      withDatabase(async ({ db }) => {
        await migrateToLatest(db);
        const config = loadConfig();
        const { workspaceId, admin } = await bootstrapWorkspace({ db, clock: systemClock }, config.admin);
        if (admin?.passwordGenerated) {
          // The database was empty: the first admin was created too, and this is its only showing.
          process.stdout.write(
            `Created the workspace and its first admin ${admin.email}, password (shown once): ${admin.password}\n`,
          );
        }
        const added = await addAgent({ db, clock: systemClock }, { workspaceId, ...options });
        process.stdout.write(`Added ${options.role} ${added.email}.\n`);
        if (added.passwordGenerated) process.stdout.write(`Password (shown once): ${added.password}\n`);
      }),
    ),
  );

program
  .command('sandbox')
  .description('run the built-in X sandbox on its own, for a desk in another process or for demos')
  .option('--port <port>', 'port to listen on', '4100')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--brand <username>', 'brand account the simulated customer mentions', 'acme_sav')
  .option('--interval <seconds>', 'seconds between simulated customer posts', '8')
  .option('--state <file>', 'where to keep the sandbox state between runs', './data/x-sandbox.json')
  .action((options: { port: string; host: string; brand: string; interval: string; state: string }) =>
    guarded(async () => {
      const { createXSandbox, startCustomerSimulation } = await import('@guichet/x-sandbox');
      const sandbox = createXSandbox({ stateFile: options.state, plan: 'self-serve' });
      const { url } = await sandbox.listen(Number(options.port), options.host);
      const { user, token } = sandbox.ensureUser({ username: options.brand, name: 'Acme — Service client' });
      startCustomerSimulation(sandbox, { brandUsername: options.brand, intervalMs: Number(options.interval) * 1000 });
      process.stdout.write(
        [
          `X sandbox listening at ${url}`,
          `Brand account @${user.username} (id ${user.id})`,
          `Point a desk at it with: X_API_BASE_URL=${url} X_ACCESS_TOKEN=${token} GUICHET_SANDBOX=off`,
          '',
        ].join('\n'),
      );
    }),
  );

await program.parseAsync(process.argv);
