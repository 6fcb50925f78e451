import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_DIR } from './classifier.ts';
import { FastTextRuntime, lidModelPath, type FastTextModel } from './fasttext.ts';
import { loadDenseModel } from './fasttext.dense.ts';
import { features, sentimentFeatures } from './text.ts';
import { authored } from './triage.data.ts';

let runtime: FastTextRuntime;
beforeAll(async () => {
  runtime = await FastTextRuntime.create();
});

const bytesOf = async (file: string) => new Uint8Array(await readFile(file));
const asMap = (predictions: { label: string; probability: number }[]) =>
  Object.fromEntries(predictions.map((p) => [p.label, p.probability]));

/** Lines that exercise every branch of fastText's reading: unknown words, accents, emoji, labels, separators. */
const edgeLines = [
  '',
  ' ',
  'x',
  '__label__negative',
  'déçu 😡 !!!',
  'tab\tseparated\vline\fend',
  'first line\nsecond line',
  'a __label__positive b',
];

function expectSamePredictions(dense: FastTextModel, reference: FastTextModel, lines: string[]): void {
  for (const line of lines) {
    const ours = dense.predict(line);
    const theirs = reference.predict(line);
    const theirMap = asMap(theirs);
    expect(Object.keys(asMap(ours)).sort(), line).toEqual(Object.keys(theirMap).sort());
    for (const p of ours) expect(Math.abs(p.probability - theirMap[p.label]!), line).toBeLessThan(2e-6);
    // The best label is the same unless two are tied to within rounding (fastText orders in float32).
    if (theirs.length > 1 && theirs[0]!.probability - theirs[1]!.probability > 2e-6)
      expect(ours[0]!.label, line).toBe(theirs[0]!.label);
  }
}

describe('fastText prediction in TypeScript', () => {
  it('gives fastText’s own answers for the shipped models', async () => {
    const posts = authored().map((e) => e.text);
    for (const [file, featuresOf] of [
      ['sentiment.ftz', sentimentFeatures],
      ['type.ftz', features],
    ] as const) {
      const bytes = await bytesOf(`${MODEL_DIR}/${file}`);
      const dense = loadDenseModel(bytes);
      expect(dense, file).not.toBeNull();
      expectSamePredictions(dense!, runtime.loadInFastText(bytes), [...posts.map(featuresOf), ...edgeLines]);
      expect(dense!.predict(features('ma box est en panne'), 1)).toHaveLength(1);
    }
  });

  it('gives fastText’s answers for a model trained here, word n-grams up to three', () => {
    const lines = authored().map((e) => `__label__${e.label} ${features(e.text)}`);
    const bytes = runtime.train(lines, {
      dim: 8,
      epoch: 5,
      lr: 0.5,
      wordNgrams: 3,
      bucket: 1000,
      minCount: 1,
      minn: 2,
      maxn: 4,
      seed: 7,
    });
    expectSamePredictions(loadDenseModel(bytes)!, runtime.loadInFastText(bytes), [
      ...authored().map((e) => features(e.text)),
      ...edgeLines,
    ]);
  });

  it('leaves other models to fastText (lid.176 is quantized)', async () => {
    expect(loadDenseModel(await bytesOf(lidModelPath()))).toBeNull();
    expect(loadDenseModel(new Uint8Array(16))).toBeNull();
  });
});
