import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type FastTextClassifier } from './classifier.ts';
import { AdjustedClassifier, Adjustment } from './triage.adjust.ts';
import { correctionSetFromLabels } from './triage.labels.ts';
import {
  evidenceOf,
  evidenceTable,
  f1Threshold,
  MIN_THRESHOLD_EACH,
  outOfFoldEvidence,
} from './triage.learning.evidence.ts';

describe('word evidence', () => {
  // Buckets 1 and 2 come with class 0, bucket 3 with class 1, bucket 9 with both.
  const rows = [
    { sparse: [1, 9], y: 0 },
    { sparse: [1, 2], y: 0 },
    { sparse: [2, 9], y: 0 },
    { sparse: [3, 9], y: 1 },
    { sparse: [3], y: 1 },
  ];

  it('leans a post towards the class its words came with, and says nothing for unseen words', () => {
    const table = evidenceTable(rows, 2);
    expect(evidenceOf(table, [1, 2], 1)[0]).toBeGreaterThan(0.5);
    expect(evidenceOf(table, [3], 1)[0]).toBeLessThan(-0.5);
    expect(evidenceOf(table, [42], 1)).toEqual([0]);
  });

  it('gives one feature per class beyond two classes', () => {
    const three = [...rows, { sparse: [7], y: 2 }, { sparse: [7, 9], y: 2 }];
    const evidence = evidenceOf(evidenceTable(three, 3), [7], 3);
    expect(evidence).toHaveLength(3);
    expect(evidence[2]).toBeGreaterThan(0);
    expect(evidence[0]).toBeLessThan(0);
  });

  it("never reads a row's own label for its training evidence", () => {
    // A word seen once, in one row only: out of fold, nothing else carries it, so its evidence is zero.
    const once = [...rows, { sparse: [5], y: 0 }];
    expect(outOfFoldEvidence(once, 2)[5]).toEqual([0]);
    expect(evidenceOf(evidenceTable(once, 2), [5], 1)[0]).toBeGreaterThan(0);
  });
});

describe('the complaint threshold', () => {
  const answers = (n: number, p: number, positive: boolean) => Array.from({ length: n }, () => ({ p, positive }));

  it('stays at one half without enough answers of each kind', () => {
    const few = [...answers(MIN_THRESHOLD_EACH - 1, 0.3, true), ...answers(100, 0.1, false)];
    expect(f1Threshold(few)).toBe(0.5);
  });

  it('goes as low as the complaints the layer under-scores, never above one half', () => {
    const underScored = [...answers(80, 0.32, true), ...answers(20, 0.6, true), ...answers(100, 0.1, false)];
    expect(f1Threshold(underScored)).toBe(0.3);
    const clear = [...answers(80, 0.9, true), ...answers(80, 0.05, false)];
    expect(f1Threshold(clear)).toBe(0.5);
  });
});

describe('an adjustment with evidence and a threshold', () => {
  let shipped: FastTextClassifier;
  beforeAll(async () => {
    shipped = await loadClassifier();
  });

  it('classifies unseen posts the same after a round trip to JSON', () => {
    // A brand whose customers report "flurbed" deliveries (complaints) and ask about "zintel" opening hours.
    const rows = Array.from({ length: 90 }, (_, i) =>
      i % 3 === 0
        ? { text: `@acme_sav is the zintel shop ${i} open on sunday`, kind: 'complaint' as const, label: 'false' }
        : { text: `@acme_sav my parcel ${i} flurbed again at the depot`, kind: 'complaint' as const, label: 'true' },
    );
    const adjustment = Adjustment.learn(
      shipped,
      correctionSetFromLabels(rows, () => 'train'),
    );
    const json = JSON.parse(JSON.stringify(adjustment.toJSON())) as ReturnType<Adjustment['toJSON']>;
    expect(json.heads.complaint!.evidence!.length).toBeGreaterThan(0);
    const again = Adjustment.fromJSON(json);
    for (const text of ['@acme_sav parcel 777 flurbed at the depot', '@acme_sav is the zintel shop 555 open']) {
      expect(new AdjustedClassifier(shipped, again).classify(text)).toEqual(
        new AdjustedClassifier(shipped, adjustment).classify(text),
      );
    }
    expect(
      new AdjustedClassifier(shipped, adjustment).classify('@acme_sav parcel 777 flurbed at the depot'),
    ).toMatchObject({ complaint: true, type: 'complaint' });
  });
});
