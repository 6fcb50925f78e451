import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { HelpTriageQueue, TriageModels } from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { deskClient } from '../../../test/api-client.ts';
import { TEST_DIALECTS } from '../../../test/databases.ts';
import type { ManualClock, TestApp } from '../../../test/test-app.ts';
import { newId } from '../../platform/ids.ts';
import { COMPLAINT_THRESHOLD, sharedClassifier, sharedRuntime } from './classifier.ts';
import { classifyStream } from './classify.command.ts';
import { correctionSetFromLabels, type LabelRow } from './triage.labels.ts';
import { loadModelFolder } from './triage.model-folder.ts';
import { evaluateCommand, readLabelFile, trainCommand } from './triage.offline.ts';
import { RETRAIN_EVERY_LABELS } from './triage.schedule.ts';

/**
 * A brand whose customers name products the shipped data never saw; which product it is says the type
 * (written by the Guichet team for this test: item i mod 12 decides the label).
 */
const ITEMS = [
  'kettle',
  'toaster',
  'blender',
  'router',
  'phone',
  'parcel',
  'invoice',
  'app',
  'card',
  'bike',
  'lamp',
  'sofa',
];
const VERBS = ['came', 'arrived', 'showed up', 'landed', 'got here', 'was delivered'];
const WHEN = ['today', 'this morning', 'yesterday', 'at noon', 'on time', 'early'];
const TYPES = ['praise', 'other', 'question', 'complaint'] as const;
const SENTIMENT = { praise: 'positive', other: 'neutral', question: 'neutral', complaint: 'negative' } as const;

function brandLabels(count: number, offset = 0): LabelRow[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const type = TYPES[Math.floor(i / 3) % 4]!;
    const text = `@acme_sav my ${ITEMS[i % 12]} ${VERBS[(i * 5) % 6]} ${WHEN[i % 6]} and it is ${['ok', 'fine', 'alright'][i % 3]} order ${i}`;
    return [
      { text, kind: 'type' as const, label: type },
      { text, kind: 'sentiment' as const, label: SENTIMENT[type] },
    ];
  }).flat();
}

const toJsonl = (rows: LabelRow[]) => {
  const byText = new Map<string, Record<string, string>>();
  for (const r of rows) byText.set(r.text, { ...byText.get(r.text), text: r.text, [r.kind]: r.label });
  return [...byText.values()].map((o) => JSON.stringify(o)).join('\n') + '\n';
};

async function classifyLines(classifier: Parameters<typeof classifyStream>[0], texts: string[]) {
  const input = new PassThrough();
  input.end(texts.join('\n') + '\n');
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  await classifyStream(classifier, input, sink);
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; sentiment: string });
}

describe.each(TEST_DIALECTS)('triage learns by itself (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start: startDesk, api, mention, waitForCase } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });
  const workspaceId = async () =>
    (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;

  async function insertLabels(rows: LabelRow[], at: number) {
    const ws = await workspaceId();
    await app.deps.db
      .insertInto('triage_labels')
      .values(
        rows.map((r, i) => ({
          id: newId(at + i),
          workspace_id: ws,
          case_id: null,
          message_id: null,
          text: r.text,
          kind: r.kind as 'type' | 'sentiment',
          label: r.label,
          previous: null,
          agent_id: null,
          created_at: at + i,
        })),
      )
      .execute();
  }

  it(
    'gives the same model and figures offline (train, classify --model, evaluate) as its own retrain',
    { timeout: 300_000 },
    async () => {
      ({ app, clock } = await startDesk({ dialect, at: '2026-04-06T09:00:00Z' }));
      const labels = brandLabels(60);
      await insertLabels(labels, clock.now().getTime() - 60_000);
      const requested = await api<{ id: string }>('POST', '/api/triage/models');
      await app.worker.drain();
      const models = (await api<TriageModels>('GET', '/api/triage/models')).body;
      const desk = models.models.find((m) => m.id === requested.body.id)!;
      expect(desk).toMatchObject({ status: 'ready', sentimentRetrained: true });
      const row = await app.deps.db
        .selectFrom('triage_models')
        .select(['sha256', 'sentiment_sha256'])
        .where('id', '=', desk.id)
        .executeTakeFirstOrThrow();

      const dir = await mkdtemp(path.join(os.tmpdir(), 'guichet-triage-offline-'));
      const file = path.join(dir, 'labels.jsonl');
      await writeFile(file, toJsonl(labels));
      const fileLabels = await readLabelFile(file);
      const deps = { runtime: await sharedRuntime(), shipped: await sharedClassifier() };
      const manifest = await trainCommand(deps, fileLabels, path.join(dir, 'model'));
      // Same labels, same code, same seeds: the same bytes as the desk's own retrain.
      expect(manifest.type.sha256).toBe(row.sha256);
      expect(manifest.sentiment?.sha256).toBe(row.sentiment_sha256);

      const held = correctionSetFromLabels(fileLabels);
      const folder = await loadModelFolder(path.join(dir, 'model'), deps.runtime, deps.shipped);
      const typeOut = await classifyLines(
        folder,
        held.typeHeldOut.map((e) => e.text),
      );
      const sentimentOut = await classifyLines(
        folder,
        held.sentimentHeldOut.map((e) => e.text),
      );
      const acc = (out: { [k: string]: string }[], key: string, gold: { label: string }[]) =>
        Math.round((out.filter((o, i) => o[key] === gold[i]!.label).length / gold.length) * 10_000) / 10_000;
      expect(held.typeHeldOut.length).toBe(desk.metrics!.correctionsTypeAccuracy.n);
      expect(acc(typeOut, 'type', held.typeHeldOut)).toBe(desk.metrics!.correctionsTypeAccuracy.candidate);
      expect(acc(sentimentOut, 'sentiment', held.sentimentHeldOut)).toBe(
        desk.metrics!.correctionsSentimentAccuracy!.candidate,
      );

      const evaluation = await evaluateCommand(deps, fileLabels, 2);
      expect(evaluation.deskSplit.type!.accuracy).toBe(desk.metrics!.correctionsTypeAccuracy.candidate);
      expect(evaluation.deskSplit.sentiment!.accuracy).toBe(desk.metrics!.correctionsSentimentAccuracy!.candidate);
      expect(evaluation.crossValidation.type!.n).toBe(60);
      expect(Object.keys(evaluation.crossValidation.type!.classes)).toEqual([
        'complaint',
        'question',
        'praise',
        'other',
      ]);
    },
  );

  it(
    'retrains after every N labels, switches when the candidate wins on held-out labels, and a lead switches back',
    { timeout: 180_000 },
    async () => {
      ({ app, clock } = await startDesk({ dialect, at: '2026-04-06T09:00:00Z' }));
      const start = clock.now().getTime();
      // Fewer labels than N, and the night's retrain already done: nothing starts.
      await insertLabels(brandLabels(10), start - 30_000);
      await app.deps.db
        .insertInto('triage_models')
        .values({
          id: newId(start - 40_000),
          workspace_id: await workspaceId(),
          status: 'failed',
          active: 0,
          file: null,
          sha256: null,
          bytes: null,
          training: null,
          metrics: null,
          error: 'an earlier attempt',
          requested_by: null,
          created_at: start - 40_000,
          finished_at: start - 40_000,
          activated_at: null,
          sentiment_sha256: null,
          trigger: 'nightly',
        })
        .execute();
      await app.pollAndWork();
      expect((await api<TriageModels>('GET', '/api/triage/models')).body.models).toHaveLength(1);

      // N more labels: the scheduler's round starts a retrain by itself, and the worker trains it.
      await insertLabels(brandLabels(RETRAIN_EVERY_LABELS, 10), start - 10_000);
      await app.pollAndWork();
      const models = (await api<TriageModels>('GET', '/api/triage/models')).body;
      const auto = models.models[0]!;
      expect(auto).toMatchObject({ status: 'ready', trigger: 'corrections', requestedBy: null });
      expect(auto.metrics!.autoSwitch).toMatchObject({ switched: true, reason: 'better on held-out labels' });
      expect(auto.metrics!.autoSwitch!.heldOut).toBeGreaterThanOrEqual(10);
      expect(auto.metrics!.correctionsTypeAccuracy.candidate!).toBeGreaterThan(
        auto.metrics!.correctionsTypeAccuracy.current!,
      );
      expect(models.activeModelId).toBe(auto.id);
      // No new label since: the next rounds start nothing more.
      await app.pollAndWork();
      expect((await api<TriageModels>('GET', '/api/triage/models')).body.models).toHaveLength(2);

      const back = (await api<TriageModels>('PUT', '/api/triage/active-model', { modelId: null })).body;
      expect(back.activeModelId).toBeNull();
      const switches = await app.deps.db
        .selectFrom('events')
        .select(['payload', 'actor_type'])
        .where('type', '=', 'triage.model_activated')
        .orderBy('occurred_at')
        .orderBy('id')
        .execute();
      expect(switches.map((e) => [e.actor_type, JSON.parse(e.payload)])).toEqual([
        ['system', { modelId: auto.id, previousModelId: null }],
        ['agent', { modelId: null, previousModelId: auto.id }],
      ]);
    },
  );

  it('asks agents about the posts the model is least sure of, and learns each answer as a label', async () => {
    ({ app, clock } = await startDesk({ dialect, at: '2026-04-06T09:00:00Z' }));
    const posts = {
      brussels: "@acme_sav Vous livrez à Bruxelles ? Je n'ai pas trouvé l'info sur le site.",
      outage: '@acme_sav my internet is down since 3 days, fix it now!!',
      hostile: '@acme_sav <img src=x onerror=alert(1)> is this a thing',
    };
    for (const [user, text] of Object.entries(posts)) {
      mention(user, text);
      expect(await waitForCase(clock, user)).toBeDefined();
    }
    const queue = (await api<HelpTriageQueue>('GET', '/api/triage/help-queue')).body;
    expect(queue.answered).toBe(0);
    expect(queue.items.map((i) => i.text).sort()).toEqual(Object.values(posts).sort());
    // Least sure first: the distance of the complaint score from the shipped model's threshold never decreases.
    const doubt = queue.items.map((i) => Math.abs(i.complaintProbability - COMPLAINT_THRESHOLD));
    expect(doubt).toEqual([...doubt].sort((a, b) => a - b));
    const brussels = queue.items.find((i) => i.text === posts.brussels)!;
    expect(brussels.caseId).not.toBeNull();

    const answered = await api('POST', '/api/triage/help-queue/answers', {
      messageId: brussels.messageId,
      type: 'question',
    });
    expect(answered.status).toBe(204);
    expect((await api('POST', '/api/triage/help-queue/answers', { messageId: 'nope', type: 'question' })).status).toBe(
      404,
    );
    expect(
      (await api('POST', '/api/triage/help-queue/answers', { messageId: brussels.messageId, type: 'angry' })).status,
    ).toBe(400);

    const after = (await api<HelpTriageQueue>('GET', '/api/triage/help-queue')).body;
    expect(after.answered).toBe(1);
    expect(after.items.map((i) => i.text)).not.toContain(posts.brussels);
    const models = (await api<TriageModels>('GET', '/api/triage/models')).body;
    expect(models.labels.recent[0]).toMatchObject({
      text: posts.brussels,
      kind: 'type',
      label: 'question',
      source: 'help',
    });
    // The answer counts at once: the same post is now a question for the desk.
    const tried = await api<{ classification: { type: string } }>('POST', '/api/triage/classify', {
      text: posts.brussels,
    });
    expect(tried.body.classification.type).toBe('question');
  });
});
