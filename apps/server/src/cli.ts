import { Command, InvalidArgumentError } from 'commander';
import { agentRoleSchema } from '@guichet/contracts';
import { migrateToLatest } from './migrations/registry.ts';
import { addAgent, bootstrapWorkspace } from './modules/agents/agents.commands.ts';
import { addAgentAdminCommands } from './modules/agents/agents.cli.ts';
import { systemClock } from './platform/clock.ts';
import { loadConfig } from './platform/config.ts';
import { openDatabase } from './platform/db/database.ts';
import { acquireStartupLock } from './platform/db/process-locks.ts';
import { addBackupCommands } from './platform/db/backup.cli.ts';
import { AppError, StartupError } from './platform/errors.ts';
import { VERSION } from './platform/version.ts';
import { addTriageCommands } from './modules/triage/triage.cli.ts';

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
  // Loaded here, not at the top: the whole desk takes seconds to load, and `agent`, `backup` or `triage`
  // commands need none of it.
  .action((options: { roles?: string }) =>
    guarded(async () => {
      const { runFromEnvironment } = await import('./main.ts');
      await runFromEnvironment(options);
    }),
  );

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(() =>
    guarded(() =>
      withDatabase(async ({ db }) => {
        // Under the desk's startup lock: a process starting meanwhile waits instead of racing this migration.
        const release = await acquireStartupLock(loadConfig().database);
        const report = await migrateToLatest(db).finally(release);
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

addAgentAdminCommands(agent, (action) =>
  guarded(() =>
    withDatabase(async ({ db }) => {
      await migrateToLatest(db);
      await action(db, loadConfig());
    }),
  ),
);

addBackupCommands(program, guarded);

function positiveNumber(label: string, allowZero = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
      throw new InvalidArgumentError(`${label} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    }
    return n;
  };
}

addTriageCommands(program, guarded);

program
  .command('import')
  .description('import past conversations from a Customer Support on Twitter CSV, so reports start with history')
  .argument('<csv>', 'the CSV file (tweet_id, author_id, inbound, created_at, text, in_response_to_tweet_id)')
  .option('--brand <handle>', 'the brand whose conversations to import (default: the most frequent in the file)')
  .option('--all-brands', 'import every brand in the file, each on its own channel')
  .action((file: string, options: { brand?: string; allBrands?: boolean }) =>
    guarded(() =>
      withDatabase(async ({ db }) => {
        const { runImportCommand } = await import('./modules/import/import.command.ts');
        await runImportCommand({ db, clock: systemClock, config: loadConfig() }, file, options, (line) =>
          process.stdout.write(line + '\n'),
        );
      }),
    ),
  );

program
  .command('sandbox')
  .description('run the built-in X sandbox on its own, for a desk in another process, demos or training')
  .option('--port <port>', 'port to listen on', '4100')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--brand <username>', 'brand account the simulated customers talk to', 'acme_sav')
  .option(
    '--rate <posts per minute>',
    'simulated customer actions per minute (0: none)',
    positiveNumber('--rate', true),
    4,
  )
  .option('--seed <seed>', 'seed for the simulated customers, for a repeatable run')
  .option('--replay <csv>', 'replay a Customer Support on Twitter CSV instead of simulated customers')
  .option(
    '--speed <factor>',
    'time compression of the replay (60: an hour plays in a minute)',
    positiveNumber('--speed'),
    60,
  )
  .option('--state <file>', 'where to keep the sandbox state between runs', './data/x-sandbox.json')
  .option(
    '--plan <plan>',
    'self-serve (X pay-per-use rules: no likes, replies only when summoned) or enterprise',
    (value: string) => {
      if (value !== 'self-serve' && value !== 'enterprise')
        throw new InvalidArgumentError('must be self-serve or enterprise');
      return value;
    },
    'self-serve',
  )
  .action(
    (options: {
      port: string;
      host: string;
      brand: string;
      rate: number;
      seed?: string;
      replay?: string;
      speed: number;
      state: string;
      plan: 'self-serve' | 'enterprise';
    }) =>
      guarded(async () => {
        const { createXSandbox, startScenario, startReplay } = await import('@guichet/x-sandbox');
        const sandbox = createXSandbox({ stateFile: options.state, plan: options.plan, brandUsername: options.brand });
        const { url } = await sandbox.listen(Number(options.port), options.host);
        const { user, token } = sandbox.ensureUser({
          username: options.brand,
          name: 'Acme — Service client',
          verified: true,
        });
        const lines = [
          `X sandbox listening at ${url}`,
          `Brand account @${user.username} (id ${user.id})`,
          `Point a desk at it with: X_API_BASE_URL=${url} X_ACCESS_TOKEN=${token} X_BEARER_TOKEN=${sandbox.issueAppBearer()} GUICHET_SANDBOX=off`,
          `Sandbox page (timeline, DMs, post as a customer): ${url}/sandbox`,
        ];
        if (options.replay) {
          const seedNote = options.seed !== undefined ? ' (--seed is ignored by a replay)' : '';
          const replay = startReplay(sandbox, {
            file: options.replay,
            brandUsername: user.username,
            speed: options.speed,
          });
          lines.push(
            `Replaying ${replay.progress().total} posts from ${options.replay} at ${options.speed}×; ` +
              `@${replay.ourBrand} plays @${user.username}${seedNote}`,
          );
          void replay.finished.then((p) =>
            process.stdout.write(`Replay done: ${p.posted} posted, ${p.skipped} skipped.\n`),
          );
        } else if (options.rate > 0) {
          const seed = options.seed ?? String(Date.now() % 1_000_000);
          startScenario(sandbox, {
            brandUsername: user.username,
            postsPerMinute: options.rate,
            seed,
            onError: (error) => process.stderr.write(`simulated customer: ${String(error)}\n`),
          });
          lines.push(
            `Simulated customers: ${options.rate} actions per minute, seed ${seed} (--seed ${seed} replays it)`,
          );
        }
        process.stdout.write(lines.join('\n') + '\n');
        // Simulation timers are unref'd: the listening server keeps the process alive.
      }),
  );

await program.parseAsync(process.argv);
