import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { createTestDatabase, postgresSkipped, type TestDatabase } from './databases.ts';
import { startDeskProcess, waitUntil, type WorkerProcess } from './worker-process.ts';

const GUICHET_BIN = path.resolve(import.meta.dirname, '../bin/guichet.mjs');
const ADMIN = { email: 'lead@backup.test', password: 'backup test password' };
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `guichet <args>` as an operator would, in its own process. */
async function guichet(args: string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [GUICHET_BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitHealthy(desk: WorkerProcess, port: number): Promise<void> {
  await waitUntil(
    async () => {
      if (desk.child.exitCode !== null) throw new Error(`the desk exited:\n${desk.output()}`);
      return fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
    'the desk answering /healthz',
  );
}

async function signInStatus(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
    body: JSON.stringify(ADMIN),
  });
  return response.status;
}

function messageTexts(file: string): Set<string> {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return new Set((sqlite.prepare('select text from messages').all() as { text: string }[]).map((r) => r.text));
  } finally {
    sqlite.close();
  }
}

describe('backup and restore on SQLite, while the desk runs and writes', () => {
  let sandbox: XSandbox;
  let source: TestDatabase;
  let target: TestDatabase;
  let desk: WorkerProcess | undefined;
  let restored: WorkerProcess | undefined;
  const secretKey = randomBytes(32).toString('hex');
  let env: Record<string, string>;
  const customers: string[] = [];
  let backupFile: string;

  beforeAll(async () => {
    sandbox = createXSandbox({});
    const url = (await sandbox.listen()).url;
    const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
    for (let i = 0; i < 5; i++) customers.push(sandbox.ensureUser({ username: `client_${i}`, name: `C${i}` }).user.id);
    source = await createTestDatabase('sqlite');
    target = await createTestDatabase('sqlite');
    backupFile = path.join(os.tmpdir(), `guichet-backup-${randomBytes(6).toString('hex')}.db`);
    env = {
      GUICHET_SECRET_KEY: secretKey,
      X_API_BASE_URL: url,
      X_ACCESS_TOKEN: brand.token,
      GUICHET_POLL_INTERVAL: '0.2',
      GUICHET_STREAMING: 'false',
      HOST: '127.0.0.1',
    };
  });

  afterAll(async () => {
    await desk?.kill();
    await restored?.kill();
    await sandbox?.close();
    await source?.drop();
    await target?.drop();
    fs.rmSync(backupFile, { force: true });
  });

  it('backs up a running desk while it stores new posts, then restores into a new data folder that starts', async () => {
    const port = await freePort();
    desk = startDeskProcess(
      {
        ...env,
        GUICHET_DATA_DIR: source.dataDir,
        PORT: String(port),
        GUICHET_ADMIN_EMAIL: ADMIN.email,
        GUICHET_ADMIN_PASSWORD: ADMIN.password,
      },
      'web,worker,scheduler',
    );
    await waitHealthy(desk, port);
    const sourceFile = path.join(source.dataDir, 'guichet.db');
    const before = Array.from(
      { length: 20 },
      (_, i) => `@acme_sav before the backup #${i} ${randomBytes(3).toString('hex')}`,
    );
    before.forEach((text, i) => sandbox.post(customers[i % customers.length]!, { text }));
    await waitUntil(async () => before.every((t) => messageTexts(sourceFile).has(t)), 30_000, 'the first posts stored');

    // The desk keeps ingesting while the backup runs: a post every few milliseconds.
    let writing = true;
    let during = 0;
    const writer = (async () => {
      while (writing) {
        sandbox.post(customers[during % customers.length]!, { text: `@acme_sav during the backup #${during++}` });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await waitUntil(
      async () => [...messageTexts(sourceFile)].some((t) => t.includes('during the backup')),
      30_000,
      'writes in flight',
    );
    const backup = await guichet(['backup', backupFile], { ...env, GUICHET_DATA_DIR: source.dataDir });
    writing = false;
    await writer;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('Backed up the database');
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    const saved = messageTexts(backupFile);
    for (const text of before) expect(saved.has(text)).toBe(true);

    // A second backup to the same file would overwrite the first: refused.
    const again = await guichet(['backup', backupFile], { ...env, GUICHET_DATA_DIR: source.dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    // Restoring over the running desk's database is refused, and leaves it as it was.
    const overRunning = await guichet(['restore', backupFile], { ...env, GUICHET_DATA_DIR: source.dataDir });
    expect(overRunning.code).toBe(1);
    expect(overRunning.stderr).toContain('stop every Guichet process');
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)).toBe(200);

    const restore = await guichet(['restore', backupFile], { ...env, GUICHET_DATA_DIR: target.dataDir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const targetPort = await freePort();
    // Another admin password in this environment: signing in with the first one proves the backup's agents.
    restored = startDeskProcess(
      {
        ...env,
        GUICHET_DATA_DIR: target.dataDir,
        PORT: String(targetPort),
        GUICHET_ADMIN_EMAIL: 'other@backup.test',
        GUICHET_ADMIN_PASSWORD: 'another password here',
      },
      'web,worker,scheduler',
    );
    await waitHealthy(restored, targetPort);
    expect(await signInStatus(targetPort)).toBe(200);
    const restoredTexts = messageTexts(path.join(target.dataDir, 'guichet.db'));
    for (const text of before) expect(restoredTexts.has(text)).toBe(true);
    expect(restoredTexts.size).toBeGreaterThanOrEqual(saved.size);
  }, 120_000);

  it('refuses a file that is not a Guichet database, or one from a newer Guichet, and keeps the current one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-restore-'));
    try {
      const notOurs = path.join(dir, 'other.db');
      new SQLite(notOurs).exec('create table notes (body text)').close();
      // A whole Guichet database of its own (this test must not depend on the first one's backup), then one
      // migration this version does not know.
      const newer = path.join(dir, 'newer.db');
      const handle = await openDatabase({ dialect: 'sqlite', file: newer });
      await migrateToLatest(handle.db);
      await handle.close();
      new SQLite(newer)
        .exec(`insert into guichet_migrations (name, applied_at) values ('9999-from-the-future', 0)`)
        .close();
      const garbage = path.join(dir, 'garbage.db');
      fs.writeFileSync(garbage, 'this is not a database at all, just text'.repeat(200));
      const dataDir = path.join(dir, 'data');
      const cases: [string, string][] = [
        [notOurs, 'not a Guichet database'],
        [newer, 'upgrade Guichet before restoring'],
        [garbage, 'not a readable SQLite database'],
        [path.join(dir, 'missing.db'), 'There is no backup file'],
      ];
      // Four CLI starts at once: each takes seconds on a busy machine.
      const results = await Promise.all(
        cases.map(([file]) => guichet(['restore', file], { GUICHET_DATA_DIR: dataDir })),
      );
      results.forEach((result, i) => {
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(cases[i]![1]);
      });
      expect(fs.existsSync(path.join(dataDir, 'guichet.db'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

const pgDumpMissing = (() => {
  try {
    execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
    execFileSync('pg_restore', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();

describe.skipIf(postgresSkipped)('backup and restore on PostgreSQL', () => {
  let database: TestDatabase;
  let copy: TestDatabase;
  let desk: WorkerProcess | undefined;
  const dumpFile = path.join(os.tmpdir(), `guichet-${randomBytes(6).toString('hex')}.dump`);

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    copy = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    await desk?.kill();
    await database?.drop();
    await copy?.drop();
    fs.rmSync(dumpFile, { force: true });
  });

  it('refuses guichet backup and restore with the pg_dump and pg_restore instructions', async () => {
    if (database.config.dialect !== 'postgres') throw new Error('expected PostgreSQL');
    const env = { DATABASE_URL: database.config.url, GUICHET_DATA_DIR: database.dataDir };
    const backup = await guichet(['backup', dumpFile], env);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('pg_dump --format=custom');
    const restore = await guichet(['restore', dumpFile], env);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('pg_restore --no-owner');
  }, 120_000);

  // pg_dump and pg_restore come with PostgreSQL's client package; without them this round trip cannot run.
  it.skipIf(pgDumpMissing)(
    'round-trips a desk through pg_dump and pg_restore, and a desk starts on the copy',
    async () => {
      if (database.config.dialect !== 'postgres' || copy.config.dialect !== 'postgres')
        throw new Error('expected PostgreSQL');
      const handle = await openDatabase(database.config);
      try {
        await migrateToLatest(handle.db);
        await bootstrapWorkspace({ db: handle.db, clock: systemClock }, ADMIN);
      } finally {
        await handle.close();
      }
      execFileSync('pg_dump', ['--format=custom', `--file=${dumpFile}`, database.config.url]);
      execFileSync('pg_restore', ['--no-owner', `--dbname=${copy.config.url}`, dumpFile]);
      const port = await freePort();
      desk = startDeskProcess(
        {
          DATABASE_URL: copy.config.url,
          GUICHET_DATA_DIR: copy.dataDir,
          GUICHET_SECRET_KEY: randomBytes(32).toString('hex'),
          GUICHET_SANDBOX: 'off',
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        'web',
      );
      await waitHealthy(desk, port);
      expect(await signInStatus(port)).toBe(200);
    },
    60_000,
  );
});
