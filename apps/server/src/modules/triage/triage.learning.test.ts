import { readFile } from 'node:fs/promises';
import type { CaseTriage, TriageModels } from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import { deskClient } from '../../../test/api-client.ts';
import type { ManualClock, TestApp } from '../../../test/test-app.ts';
import { newId } from '../../platform/ids.ts';
import { addAgent } from '../agents/agents.commands.ts';
import { correctionSplit } from './triage.training.ts';

/** A product name no shipped data has ever seen: only the agents' corrections can teach what it means. */
const PRAISE_TEMPLATES = [
  'the zorblax kettle came today {n}',
  'zorblax kettle number {n} arrived this morning',
  'just got my zorblax kettle {n} from you',
  'my zorblax kettle {n} is on the table now',
  'zorblax kettle {n} plugged in at the office',
  'a zorblax kettle {n} for my mum',
];

/** Learning from agents: corrections are labels; a lead retrains, compares, switches and switches back. */
describe.each(TEST_DIALECTS)('triage learning from corrections (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, mention, waitForCase } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });

  async function start() {
    ({ app, clock } = await startDesk({ dialect, at: '2026-04-06T09:00:00Z' }));
  }
  const workspaceId = async () =>
    (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;

  /** A customer mentions the brand; the desk polls it in. Returns the stored message's triage. */
  async function customerWrites(username: string, text: string) {
    mention(username, text);
    const found = await waitForCase(clock, username);
    expect(found).toBeDefined();
    const message = await app.deps.db
      .selectFrom('messages')
      .innerJoin('case_conversations', 'case_conversations.conversation_id', 'messages.conversation_id')
      .select(['messages.type as type'])
      .where('case_conversations.case_id', '=', found!.id)
      .where('messages.text', '=', text)
      .executeTakeFirstOrThrow();
    return { caseId: found!.id, type: message.type };
  }

  it("records an agent's correction as a label, with the change and its event, once", async () => {
    await start();
    const agent = await addAgent(app.deps, {
      workspaceId: await workspaceId(),
      email: 'julie@acme.test',
      name: 'Julie Dupont',
      role: 'agent',
      password: 'another long password',
    });
    const agentCookie = await app.signIn({ email: 'julie@acme.test', password: 'another long password' });
    const text = '@acme_sav <script>alert(1)</script> my order never arrived 🙃';
    const { caseId } = await customerWrites('nina_k', text);
    const before = (await api<CaseTriage>('GET', `/api/cases/${caseId}/triage`, undefined, agentCookie)).body;
    expect(before.labelledText).toBe(text);

    const corrected = await api<CaseTriage>(
      'POST',
      `/api/cases/${caseId}/triage`,
      { type: 'question', priority: 4 },
      agentCookie,
    );
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ type: 'question', priority: 4, reason: 'corrected by an agent' });

    const labels = await app.deps.db.selectFrom('triage_labels').selectAll().orderBy('kind').execute();
    expect(labels.map((l) => [l.kind, l.label, l.previous])).toEqual([
      ['priority', '4', String(before.priority)],
      ['type', 'question', before.type],
    ]);
    // Hostile text is kept exactly as the customer wrote it.
    expect(labels.every((l) => l.text === text && l.agent_id === agent.id && l.case_id === caseId)).toBe(true);
    const events = await app.deps.db
      .selectFrom('events')
      .select(['type', 'actor_id'])
      .where('case_id', '=', caseId)
      .where('type', 'in', ['case.triage_corrected', 'case.priority_changed'])
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['case.priority_changed', 'case.triage_corrected']);
    expect(events.every((e) => e.actor_id === agent.id)).toBe(true);

    // The same values again are not a correction: nothing more is recorded.
    await api('POST', `/api/cases/${caseId}/triage`, { type: 'question', priority: 4 }, agentCookie);
    expect(await app.deps.db.selectFrom('triage_labels').select('id').execute()).toHaveLength(2);

    expect((await api('POST', `/api/cases/${caseId}/triage`, {}, agentCookie)).status).toBe(400);
    expect((await api('POST', `/api/cases/${caseId}/triage`, { type: 'angry' }, agentCookie)).status).toBe(400);
    expect((await api('POST', '/api/cases/nope/triage', { priority: 1 }, agentCookie)).status).toBe(404);
    // Agents correct; only leads and admins retrain or switch models.
    expect((await api('GET', '/api/triage/models', undefined, agentCookie)).status).toBe(403);
    expect((await api('POST', '/api/triage/models', undefined, agentCookie)).status).toBe(403);
    const models = (await api<TriageModels>('GET', '/api/triage/models')).body;
    expect(models.labels).toMatchObject({ type: 1, priority: 1 });
    expect(models.labels.recent[0]).toMatchObject({ agentName: 'Julie Dupont', text });
  });

  it(
    'retrains a candidate with figures, switches ingestion to it and back, and is reproducible',
    { timeout: 120_000 },
    async () => {
      await start();
      const ws = await workspaceId();
      const probe = '@acme_sav the zorblax kettle came this morning';
      const shipped = await customerWrites('before_switch', probe);
      expect(shipped.type).not.toBe('praise');

      // Agents said, many times, that these posts are praise (as if corrected from the case screen).
      const agentId = (await app.deps.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
      const texts = Array.from(
        { length: 36 },
        (_, i) => `@acme_sav ${PRAISE_TEMPLATES[i % PRAISE_TEMPLATES.length]!.replace('{n}', String(i + 1))}`,
      );
      const now = Date.parse('2026-04-06T09:00:00Z');
      await app.deps.db
        .insertInto('triage_labels')
        .values(
          texts.flatMap((text, i) => [
            {
              id: newId(now + i),
              workspace_id: ws,
              case_id: null,
              message_id: null,
              text,
              kind: 'type' as const,
              label: 'praise',
              previous: 'other',
              agent_id: agentId,
              created_at: now + i,
            },
            {
              id: newId(now + i),
              workspace_id: ws,
              case_id: null,
              message_id: null,
              text,
              kind: 'priority' as const,
              label: '4',
              previous: '3',
              agent_id: agentId,
              created_at: now + i,
            },
          ]),
        )
        .execute();
      const heldOut = texts.filter((t) => correctionSplit(t) === 'heldout').length;
      expect(heldOut).toBeGreaterThan(3);

      const requested = await api<{ id: string }>('POST', '/api/triage/models');
      expect(requested.status).toBe(202);
      expect((await api('POST', '/api/triage/models')).status).toBe(409); // one at a time
      // Not trained yet: it cannot be switched to.
      expect((await api('PUT', '/api/triage/active-model', { modelId: requested.body.id })).status).toBe(409);
      await app.worker.drain();

      let models = (await api<TriageModels>('GET', '/api/triage/models')).body;
      const candidate = models.models.find((m) => m.id === requested.body.id)!;
      expect(candidate).toMatchObject({ status: 'ready', active: false, fileMissing: false, error: null });
      expect(candidate.training).toMatchObject({ base: 'full', correctionsUsed: texts.length - heldOut });
      expect(candidate.metrics!.currentModelId).toBeNull();
      const typeFigure = candidate.metrics!.correctionsTypeAccuracy;
      expect(typeFigure.n).toBe(heldOut);
      // The model in use already learned from the labels through the workspace adjustment (no retrain needed):
      // both get the held-out posts right, the candidate no worse.
      expect(typeFigure.current!).toBeGreaterThan(0.8);
      expect(typeFigure.candidate!).toBeGreaterThanOrEqual(typeFigure.current!);
      expect((await customerWrites('adjusted_now', probe)).type).toBe('praise');
      expect(candidate.metrics!.correctionsPriorityAccuracy.n).toBe(heldOut);
      // The shipped held-out set: both models scored on the same airline posts.
      expect(candidate.metrics!.shippedComplaintF1).toMatchObject({ n: 2092 });
      expect(candidate.metrics!.shippedComplaintF1!.candidate).toBeGreaterThan(0.5);
      expect(['better', 'mixed', 'same']).toContain(candidate.metrics!.verdict);
      expect(candidate).toMatchObject({ trigger: 'lead', sentimentRetrained: false });
      // A lead's retrain never switches by itself.
      expect(candidate.metrics!.autoSwitch).toBeUndefined();
      const file = (await app.deps.db
        .selectFrom('triage_models')
        .select('file')
        .where('id', '=', candidate.id)
        .executeTakeFirstOrThrow())!.file!;
      expect(file.startsWith(app.config.dataDir)).toBe(true);

      // Switching: the next posts are classified by the workspace model.
      models = (await api<TriageModels>('PUT', '/api/triage/active-model', { modelId: candidate.id })).body;
      expect(models.activeModelId).toBe(candidate.id);
      expect((await customerWrites('after_switch', probe)).type).toBe('praise');
      const tried = await api<{ classification: { type: string } }>('POST', '/api/triage/classify', { text: probe });
      expect(tried.body.classification.type).toBe('praise');

      // Switching back: the shipped model again (with the workspace adjustment on top, which still knows the labels).
      models = (await api<TriageModels>('PUT', '/api/triage/active-model', { modelId: null })).body;
      expect(models.activeModelId).toBeNull();
      expect((await customerWrites('switched_back', probe)).type).toBe('praise');
      const switches = await app.deps.db
        .selectFrom('events')
        .select('payload')
        .where('type', '=', 'triage.model_activated')
        .orderBy('occurred_at')
        .orderBy('id')
        .execute();
      expect(switches.map((e) => JSON.parse(e.payload))).toEqual([
        { modelId: candidate.id, previousModelId: null },
        { modelId: null, previousModelId: candidate.id },
      ]);

      // Same data, same seed: the same model, byte for byte.
      const again = await api<{ id: string }>('POST', '/api/triage/models');
      await app.worker.drain();
      models = (await api<TriageModels>('GET', '/api/triage/models')).body;
      const second = models.models.find((m) => m.id === again.body.id)!;
      expect(second.status).toBe('ready');
      expect(second.sha256).toBe(candidate.sha256);
      const secondFile = (await app.deps.db
        .selectFrom('triage_models')
        .select('file')
        .where('id', '=', second.id)
        .executeTakeFirstOrThrow())!.file!;
      expect(Buffer.compare(await readFile(file), await readFile(secondFile))).toBe(0);
    },
  );
});
