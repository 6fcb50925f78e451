import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type FastTextClassifier } from './classifier.ts';
import { AdjustedClassifier, Adjustment } from './triage.adjust.ts';
import { decideSwitch } from './triage.compare.ts';
import { airlineTweets, dataDir } from './triage.data.ts';
import { correctionSetFromLabels, LabelFileError, parseLabelsJsonl } from './triage.labels.ts';
import { classRates } from './triage.metrics.ts';
import { lastNightlyStart, retrainDue, RETRAIN_EVERY_LABELS } from './triage.schedule.ts';

let shipped: FastTextClassifier;
beforeAll(async () => {
  shipped = await loadClassifier();
});

const allTrain = () => 'train' as const;

describe('the workspace adjustment', () => {
  it('is the base model exactly when there are no labels', () => {
    const text = '@acme_sav what are your opening hours on Sunday?';
    const adjusted = new AdjustedClassifier(shipped, Adjustment.learn(shipped, correctionSetFromLabels([])));
    expect(adjusted.classify(text)).toEqual(shipped.classify(text));
  });

  it('changes results after 20 corrections, on posts it never saw', () => {
    // This brand's customers say "glorbed" when a delivery failed; the shipped model has never seen the word.
    const rows = Array.from({ length: 20 }, (_, i) => ({
      text: `@acme_sav parcel ${i + 1} glorbed again at the depot`,
      kind: 'complaint' as const,
      label: 'true',
    }));
    const unseen = '@acme_sav my parcel 77 glorbed at the depot';
    expect(shipped.classify(unseen).type).not.toBe('complaint');
    const adjusted = new AdjustedClassifier(
      shipped,
      Adjustment.learn(shipped, correctionSetFromLabels(rows, allTrain)),
    );
    const result = adjusted.classify(unseen);
    expect(result).toMatchObject({ type: 'complaint', complaint: true });
    expect(result.scores.complaint).toBeGreaterThan(0.5);
    // Unrelated posts keep the shipped answer.
    const thanks = 'Thanks @acme_help for the super quick fix, great service!';
    expect(adjusted.classify(thanks).type).toBe(shipped.classify(thanks).type);
  });

  it('gives a labelled post the label agents gave it, and survives a round trip to JSON', () => {
    const text = 'Vous livrez à Bruxelles ? Je n’ai pas trouvé l’info sur le site.';
    const rows = [
      { text, kind: 'type' as const, label: 'question' },
      { text: 'where is my refund, three weeks now', kind: 'type' as const, label: 'complaint' },
      { text: 'do you open on sunday', kind: 'type' as const, label: 'question' },
    ];
    const adjustment = Adjustment.learn(shipped, correctionSetFromLabels(rows, allTrain));
    const again = Adjustment.fromJSON(JSON.parse(JSON.stringify(adjustment.toJSON())));
    for (const a of [adjustment, again]) {
      expect(new AdjustedClassifier(shipped, a).classify(text)).toMatchObject({ type: 'question', complaint: false });
    }
  });
});

describe('the adjustment guard', () => {
  // The e2e run's brand: 66 bland delivery posts whose type labels cycle praise/other/question/complaint.
  // Before the guard they took the airline check from 0.72 to 0.12 (and 0.81 to 0.68 on this slice).
  const ITEMS = [
    'parcel',
    'order',
    'phone',
    'laptop',
    'charger',
    'tv',
    'router',
    'card',
    'bike',
    'lamp',
    'sofa',
    'desk',
  ];
  const VERBS = ['came', 'arrived', 'showed up', 'landed', 'got here', 'was delivered'];
  const WHEN = ['today', 'this morning', 'yesterday', 'at noon', 'on time', 'early'];
  const TYPES = ['praise', 'other', 'question', 'complaint'] as const;
  const skewed = Array.from({ length: 66 }, (_, i) => ({
    text: `@acme_sav my ${ITEMS[i % 12]} ${VERBS[(i * 5) % 6]} ${WHEN[i % 6]} and it is ${['ok', 'fine', 'alright'][i % 3]} order ${i}`,
    kind: 'type' as const,
    label: TYPES[Math.floor(i / 3) % 4]!,
  }));
  const hasData = existsSync(path.join(dataDir(), 'airline-sentiment', 'Tweets.csv'));

  it.skipIf(!hasData)('keeps a few skewed labels from wrecking the model on other posts', () => {
    // Evaluation only (non-commercial set, read in place): the first 2,000 airline posts, complaint = negative.
    const posts = airlineTweets().slice(0, 2000);
    const gold = posts.map((p) => String(p.sentiment === 'negative'));
    const adjusted = new AdjustedClassifier(
      shipped,
      Adjustment.learn(shipped, correctionSetFromLabels(skewed, allTrain)),
    );
    const f1 = (c: { classify(t: string): { complaint?: boolean } }) =>
      classRates(
        gold,
        posts.map((p) => String(c.classify(p.text).complaint)),
        'true',
      ).f1;
    const before = f1(shipped);
    expect(before).toBeGreaterThan(0.75);
    expect(f1(adjusted)).toBeGreaterThan(before - 0.03);
    // The brand's own posts still follow its labels (word weights are not bound).
    const own = adjusted.classify(skewed[9]!.text.replace('order 9', 'order 999'));
    expect(own.type).toBe('complaint');
  });
});

describe('labels', () => {
  it('reads a labelled JSONL file and names the line of a mistake', () => {
    const rows = parseLabelsJsonl(
      '{"text":"a","type":"question","complaint":false}\n\n{"text":"b","sentiment":"negative"}\n',
    );
    expect(rows).toEqual([
      { text: 'a', kind: 'type', label: 'question' },
      { text: 'a', kind: 'complaint', label: 'false' },
      { text: 'b', kind: 'sentiment', label: 'negative' },
    ]);
    expect(() => parseLabelsJsonl('{"text":"a","type":"angry"}')).toThrow(LabelFileError);
    expect(() => parseLabelsJsonl('{"text":"a"}\n')).toThrow(/line 1: no "type"/);
    expect(() => parseLabelsJsonl('ok\n')).toThrow(/line 1: not JSON/);
    expect(() => parseLabelsJsonl('{"text":"a","complaint":"yes"}')).toThrow(/true or false/);
  });

  it('lets an explicit complaint answer outrank what a type label implies', () => {
    const set = correctionSetFromLabels(
      [
        { text: 'x', kind: 'type', label: 'question' },
        { text: 'x', kind: 'complaint', label: 'true' },
        { text: 'y', kind: 'type', label: 'complaint' },
      ],
      allTrain,
    );
    expect(set.complaintTrain).toEqual([
      { text: 'x', label: 'true' },
      { text: 'y', label: 'true' },
    ]);
  });
});

describe('retraining by itself', () => {
  const at = Date.parse('2026-04-06T09:00:00Z');
  it('is due after N labels, or nightly when anything was labelled since', () => {
    expect(lastNightlyStart(at)).toBe(Date.parse('2026-04-06T02:00:00Z'));
    expect(lastNightlyStart(Date.parse('2026-04-06T01:00:00Z'))).toBe(Date.parse('2026-04-05T02:00:00Z'));
    const lastModelAt = Date.parse('2026-04-06T03:00:00Z');
    expect(retrainDue({ now: at, labelsSinceLastModel: 3, lastModelAt, training: false })).toBeNull();
    expect(retrainDue({ now: at, labelsSinceLastModel: RETRAIN_EVERY_LABELS, lastModelAt, training: false })).toBe(
      'corrections',
    );
    expect(retrainDue({ now: at, labelsSinceLastModel: 500, lastModelAt, training: true })).toBeNull();
    const yesterday = Date.parse('2026-04-05T20:00:00Z');
    const night = Date.parse('2026-04-06T03:00:00Z');
    expect(retrainDue({ now: night, labelsSinceLastModel: 1, lastModelAt: yesterday, training: false })).toBe(
      'nightly',
    );
    expect(retrainDue({ now: night, labelsSinceLastModel: 1, lastModelAt: null, training: false })).toBe('nightly');
    expect(retrainDue({ now: night, labelsSinceLastModel: 0, lastModelAt: yesterday, training: false })).toBeNull();
    // Outside the night, a few labels wait for the next one.
    expect(retrainDue({ now: at, labelsSinceLastModel: 1, lastModelAt: yesterday, training: false })).toBeNull();
    expect(retrainDue({ now: at, labelsSinceLastModel: 1, lastModelAt: null, training: false })).toBeNull();
  });

  it('switches only on a clear win with enough held-out labels', () => {
    const f = (n: number, current: number, candidate: number) => ({ n, current, candidate });
    const none = f(0, 0, 0);
    const base = {
      currentModelId: null,
      correctionsPriorityAccuracy: none,
      shippedComplaintF1: f(2092, 0.72, 0.72),
      verdict: 'better' as const,
    };
    expect(decideSwitch({ ...base, correctionsTypeAccuracy: f(30, 0.6, 0.9) })).toMatchObject({ switched: true });
    expect(decideSwitch({ ...base, correctionsTypeAccuracy: f(5, 0.2, 1) })).toMatchObject({
      switched: false,
      reason: 'not enough held-out labels',
    });
    expect(decideSwitch({ ...base, correctionsTypeAccuracy: f(30, 0.8, 0.81) })).toMatchObject({
      switched: false,
      reason: 'not better by the margin',
    });
    expect(
      decideSwitch({ ...base, correctionsTypeAccuracy: f(30, 0.6, 0.9), shippedComplaintF1: f(2092, 0.72, 0.6) }),
    ).toMatchObject({ switched: false, reason: 'worse on some held-out figure' });
  });
});
