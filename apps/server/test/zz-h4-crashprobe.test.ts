import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createXSandbox } from '@guichet/x-sandbox';
import { sql } from 'kysely';
import { it } from 'vitest';
import { migrateToLatest } from '../src/migrations/registry.ts';
import { bootstrapWorkspace } from '../src/modules/agents/agents.commands.ts';
import { createRule } from '../src/modules/rules/rules.commands.ts';
import { ruleInputSchema } from '../src/modules/rules/rules.models.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { sleep, startDeskProcess } from './worker-process.ts';

it('probe', { timeout: 300_000 }, async () => {
  const sandbox = createXSandbox({ rateLimits: { 'GET /2/users/me': 1e6, 'GET /2/users/:id/mentions': 1e6, 'GET /2/users/:id/tweets': 1e6, 'POST /2/tweets': 1e6 } });
  const url = (await sandbox.listen()).url;
  const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme SAV' });
  const customers = Array.from({ length: 20 }, (_, i) => sandbox.ensureUser({ username: `client_${i}`, name: `Client ${i}` }).user.id);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-probe-'));
  const database = await openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') });
  await migrateToLatest(database.db);
  await bootstrapWorkspace({ db: database.db, clock: systemClock }, { email: 'lead@acme.test', password: 'crash test password' });
  const agent = await database.db.selectFrom('agents').select(['id', 'workspace_id']).executeTakeFirstOrThrow();
  if (!process.env.NORULES) for (const rule of [
    { name: 'Every post is seen', event: 'message.received', actions: [{ kind: 'tag', value: { name: 'seen' } }] },
    { name: 'New cases are urgent', event: 'case.opened', actions: [{ kind: 'setPriority', value: { priority: 1 } }] },
  ]) await createRule({ db: database.db, clock: systemClock }, { workspaceId: agent.workspace_id, agentId: agent.id, rule: ruleInputSchema.parse({ ...rule, conditions: [] }) });
  const N = Number(process.env.N ?? 1500);
  for (let i = 0; i < N; i++) sandbox.post(customers[i % 20]!, { text: `@acme_sav problem number ${i} with my order` });
  const desk = startDeskProcess({ GUICHET_DATA_DIR: dataDir, GUICHET_SANDBOX: 'off', X_API_BASE_URL: url, X_ACCESS_TOKEN: brand.token, GUICHET_POLL_INTERVAL: '0.1', GUICHET_JOB_LEASE_SECONDS: '1', LOG_LEVEL: 'info' });
  const t0 = Date.now();
  for (let i = 0; i < 120; i++) {
    const n = Number((await database.db.selectFrom('messages').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    console.log(((Date.now() - t0) / 1000).toFixed(1), 's', n);
    if (n >= N) break;
    await sleep(1000);
  }
  await desk.stop();
  console.log(desk.output().split('\n').filter((l) => /warn|error|ingested|rule/i.test(l)).slice(0, 30).join('\n'));
  await database.close(); await sandbox.close();
});
