import type { AppDeps } from './composition.ts';
import { compose, dispose } from './composition.ts';
import { loadConfig, type Config } from './platform/config.ts';
import { claimDeskPresence } from './platform/db/process-locks.ts';
import { StartupError } from './platform/errors.ts';
import type { HttpApp } from './platform/http/http-app.ts';
import type { JobWorker } from './platform/jobs/job-queue.ts';
import { buildScheduler, type Scheduler } from './roles/scheduler.ts';
import { buildWebApp } from './roles/web.ts';
import { buildWorker } from './roles/worker.ts';

export interface RunningDesk {
  deps: AppDeps;
  http: HttpApp | undefined;
  url: string | undefined;
  stop(): Promise<void>;
}

/** Parse config → compose → start the roles this process plays. */
export async function startDesk(config: Config): Promise<RunningDesk> {
  // On PostgreSQL, a process without Redis must be the only one: stop here, before anything starts.
  const presence = await claimDeskPresence(config.database, config.redis !== undefined);
  let deps: AppDeps;
  try {
    deps = await compose(config);
  } catch (error) {
    await presence.release();
    throw error;
  }
  const { logger } = deps;
  let http: HttpApp | undefined;
  let worker: JobWorker | undefined;
  let scheduler: Scheduler | undefined;
  let url: string | undefined;
  try {
    if (config.roles.includes('web')) {
      http = await buildWebApp(deps);
      try {
        await http.listen({ port: config.port, host: config.host });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new StartupError(
            `Port ${config.port} is already in use; stop the other program or set PORT to a free port.`,
          );
        }
        if (code === 'EACCES') {
          throw new StartupError(
            `Port ${config.port} needs privileges this user lacks; set PORT to a number above 1024.`,
          );
        }
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
          throw new StartupError(`HOST ${config.host} is not an address of this machine; use 0.0.0.0 or 127.0.0.1.`);
        }
        throw error;
      }
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      url = `http://${shownHost}:${config.port}`;
    }
    if (config.roles.includes('worker')) {
      worker = buildWorker(deps);
      worker.start();
    }
    if (config.roles.includes('scheduler')) {
      scheduler = buildScheduler(deps);
      scheduler.start();
    }
  } catch (error) {
    await http?.close().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await dispose(deps).catch(() => undefined);
    await presence.release();
    throw error;
  }

  logger.info({ roles: config.roles, url, database: deps.database.dialect }, 'Guichet is running');
  if (deps.bootstrap.admin) {
    const { email, password, passwordGenerated } = deps.bootstrap.admin;
    // Printed once, to the console, not the log stream: the operator needs it to sign in the first time.
    const lines = [
      '',
      '  First start: a workspace and an admin account were created.',
      `  Sign in at ${url ?? 'the web address'} with`,
      `    email:    ${email}`,
      passwordGenerated
        ? `    password: ${password}   (shown only this once; change it on your profile page: ${url ? `${url}/profile` : '/profile'})`
        : '    password: the one in GUICHET_ADMIN_PASSWORD',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }

  return {
    deps,
    http,
    url,
    async stop() {
      await scheduler?.stop();
      await http?.close();
      await worker?.stop();
      await dispose(deps);
      await presence.release();
    },
  };
}

export async function runFromEnvironment(overrides: { roles?: string } = {}): Promise<void> {
  let desk: RunningDesk;
  try {
    desk = await startDesk(loadConfig(process.env, overrides));
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`Guichet cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    desk.deps.logger.info({ signal }, 'shutting down');
    desk
      .stop()
      .then(() => process.exit(0))
      .catch((error) => {
        desk.deps.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
