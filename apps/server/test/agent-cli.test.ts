import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/modules/agents/passwords.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from './databases.ts';

const run = promisify(execFile);
const GUICHET_BIN = path.resolve(import.meta.dirname, '../bin/guichet.mjs');
const ADMIN = { email: 'owner@acme.test', password: 'owner long password' };

// Each test starts the CLI two to four times (a Node process loading TypeScript each time): on a busy CI
// machine one start has taken 10 s, so these tests get the time of several starts rather than the default.
const CLI_TEST_OPTIONS = { timeout: 180_000 };

/** The operator's side: `guichet agent …` in a shell, against the desk's database. */
describe.each(TEST_DIALECTS)('guichet agent list, set-password and deactivate (%s)', CLI_TEST_OPTIONS, (dialect) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  const guichet = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [GUICHET_BIN, ...args], {
        env: {
          ...process.env,
          GUICHET_DATA_DIR: database.dataDir,
          ...(database.config.dialect === 'postgres' ? { DATABASE_URL: database.config.url } : {}),
          GUICHET_ADMIN_EMAIL: ADMIN.email,
          GUICHET_ADMIN_PASSWORD: ADMIN.password,
          LOG_LEVEL: 'silent',
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const agent = (email: string) =>
    handle.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const added = await guichet(
      'agent',
      'add',
      '--email',
      'julie@acme.test',
      '--name',
      'Julie Dupont',
      '--password',
      'julie long password',
    );
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('Added agent julie@acme.test') });
    handle = await openDatabase(database.config);
  }, 180_000);
  afterAll(async () => {
    await handle?.close();
    await database.drop();
  });

  it('lists the agents with role, status and last sign-in', async () => {
    const listed = await guichet('agent', 'list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+TEAMS\s+LAST SIGN-IN$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/))).toEqual([
      ['owner@acme.test', 'Admin', 'admin', 'active', '-', 'never'],
      ['julie@acme.test', 'Julie Dupont', 'agent', 'active', '-', 'never'],
    ]);
  });

  it('sets a password, generated and shown once when none is given, and ends the agent’s sessions', async () => {
    const julie = await agent('julie@acme.test');
    await handle.db
      .insertInto('sessions')
      .values({
        id: 'a'.repeat(64),
        agent_id: julie.id,
        workspace_id: julie.workspace_id,
        created_at: 1,
        expires_at: 9e12,
        last_seen_at: 1,
      })
      .execute();
    const generated = await guichet('agent', 'set-password', '--email', 'Julie@acme.test');
    expect(generated.code).toBe(0);
    const password = /New password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await verifyPassword((await agent('julie@acme.test')).password_hash, password!)).toBe(true);
    expect(await handle.db.selectFrom('sessions').select('id').where('agent_id', '=', julie.id).execute()).toEqual([]);

    const chosen = await guichet(
      'agent',
      'set-password',
      '--email',
      'julie@acme.test',
      '--password',
      'chosen long password',
    );
    expect(chosen.stdout).not.toContain('shown once');
    expect(await verifyPassword((await agent('julie@acme.test')).password_hash, 'chosen long password')).toBe(true);

    const weak = await guichet('agent', 'set-password', '--email', 'julie@acme.test', '--password', 'short');
    expect(weak).toMatchObject({ code: 1, stderr: 'guichet: The password must be at least 10 characters long.\n' });
    const audit = await handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'agent.password_changed')
      .execute();
    expect(audit.map((line) => [line.actor_type, line.actor_label, JSON.parse(line.details!).by])).toEqual([
      ['system', 'cli', 'cli'],
      ['system', 'cli', 'cli'],
    ]);
  });

  it('deactivates an agent, never the last active admin, and names an unknown email', async () => {
    const deactivated = await guichet('agent', 'deactivate', '--email', 'julie@acme.test');
    expect(deactivated).toMatchObject({ code: 0, stdout: 'Deactivated julie@acme.test; their sessions have ended.\n' });
    expect((await agent('julie@acme.test')).disabled_at).toEqual(expect.any(Number));
    expect((await guichet('agent', 'list')).stdout).toMatch(/julie@acme\.test\s+Julie Dupont\s+agent\s+deactivated/);

    const lastAdmin = await guichet('agent', 'deactivate', '--email', ADMIN.email);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toMatch(/^guichet: This is the last active admin/);
    expect((await agent(ADMIN.email)).disabled_at).toBeNull();

    const unknown = await guichet('agent', 'deactivate', '--email', 'nobody@acme.test');
    expect(unknown).toMatchObject({ code: 1, stderr: 'guichet: No agent has the email nobody@acme.test.\n' });
  });
});
