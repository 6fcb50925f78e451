/**
 * TWCS brand-directed openers labelled by hand (`training/twcs-openers.labels.tsv`: tweet ids and our labels
 * only; the text is CC BY-NC-SA and is read in place from ../shared/data at bench time). Evaluation only: the
 * zero-shot figures of the shipped model, and a learning curve where the set plays one brand's workspace
 * (each fed post is an agent's type and sentiment correction, through the desk's own code: `deskAt`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Classifier } from '../src/modules/triage/classifier.ts';
import { csvObjects, dataDir, seededRandom, shuffled, TRAINING_DIR } from '../src/modules/triage/triage.data.ts';
import { correctionSetFromLabels, type LabelRow } from '../src/modules/triage/triage.labels.ts';
import { report } from '../src/modules/triage/triage.metrics.ts';
import { MESSAGE_TYPES, SENTIMENTS, type MessageType, type Sentiment } from '../src/modules/triage/triage.models.ts';
import { deskAt, type Desk, type DeskStep } from './triage-learning.ts';

export interface TwcsOpener {
  text: string;
  type: MessageType;
  sentiment: Sentiment;
  complaint: boolean;
}

export function twcsOpeners(): TwcsOpener[] {
  const texts = new Map(
    csvObjects(path.join(dataDir(), 'twcs', 'twcs_head5000.csv')).map((r) => [r.tweet_id!, r.text!]),
  );
  const lines = readFileSync(path.join(TRAINING_DIR, 'twcs-openers.labels.tsv'), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('tweet_id\t'))
    .map((l) => {
      const [id, type, sentiment, complaint] = l.split('\t');
      const text = texts.get(id!);
      if (text === undefined) throw new Error(`TWCS tweet ${id} is not in twcs_head5000.csv`);
      return {
        text,
        type: type as MessageType,
        sentiment: sentiment as Sentiment,
        complaint: complaint === 'true',
      };
    });
}

export interface TwcsFigures {
  n: number;
  typeMacroF1: number;
  complaintF1: number;
  sentimentMacroF1: number;
}

export function twcsFigures(classifier: Classifier, posts: TwcsOpener[]): TwcsFigures {
  const predicted = posts.map((p) => classifier.classify(p.text));
  return {
    n: posts.length,
    typeMacroF1: report(
      posts.map((p) => p.type),
      predicted.map((c) => c.type),
      MESSAGE_TYPES,
    ).macroF1,
    complaintF1: report(
      posts.map((p) => String(p.complaint)),
      predicted.map((c) => String(c.complaint ?? c.type === 'complaint')),
      ['true', 'false'],
    ).classes.true!.f1,
    sentimentMacroF1: report(
      posts.map((p) => p.sentiment),
      predicted.map((c) => c.sentiment),
      SENTIMENTS,
    ).macroF1,
  };
}

export const TWCS_STEPS = [0, 20, 50, 100, 200, 400] as const;
const TWCS_POOL = 400;

export interface TwcsPoint extends TwcsFigures {
  posts: number;
  retrain: DeskStep['retrain'];
  reason: string | null;
  gain: number | null;
}

/** Each fed post is two labels (type, sentiment); the desk retrains after every 50 labels. */
export async function twcsCurve(desk: Desk, posts: TwcsOpener[]): Promise<{ points: TwcsPoint[]; testSize: number }> {
  const order = shuffled(posts, seededRandom(20261206));
  const pool = order.slice(0, TWCS_POOL);
  const test = order.slice(TWCS_POOL);
  const points: TwcsPoint[] = [];
  for (const n of TWCS_STEPS) {
    const rows: LabelRow[] = pool.slice(0, n).flatMap((p) => [
      { text: p.text, kind: 'type' as const, label: p.type },
      { text: p.text, kind: 'sentiment' as const, label: p.sentiment },
    ]);
    const step = await deskAt(desk, rows, correctionSetFromLabels(rows));
    const { retrain, reason, gain } = step;
    points.push({ posts: n, retrain, reason, gain, ...twcsFigures(step.classifier, test) });
  }
  return { points, testSize: test.length };
}

export interface TwcsSection {
  zeroShot: TwcsFigures;
  curve: { points: TwcsPoint[]; testSize: number };
}

export async function twcsSection(desk: Desk): Promise<TwcsSection> {
  const posts = twcsOpeners();
  return { zeroShot: twcsFigures(desk.shipped, posts), curve: await twcsCurve(desk, posts) };
}

export function printTwcs({ zeroShot, curve }: TwcsSection): void {
  const f = (x: number) => x.toFixed(3);
  console.log('');
  console.log(
    `TWCS openers labelled by hand (n=${zeroShot.n}), zero-shot: type macro-F1 ${f(zeroShot.typeMacroF1)}, complaint F1 ${f(zeroShot.complaintF1)}, sentiment macro-F1 ${f(zeroShot.sentimentMacroF1)}`,
  );
  console.log(
    `learning curve — TWCS as one brand's workspace: each post fed is a type and a sentiment correction, scored on the other ${curve.testSize}`,
  );
  console.log('posts | type macro-F1 | complaint F1 | sentiment macro-F1 | retrain');
  for (const p of curve.points) {
    console.log(
      `${String(p.posts).padStart(5)} | ${f(p.typeMacroF1).padStart(13)} | ${f(p.complaintF1).padStart(12)} | ${f(p.sentimentMacroF1).padStart(18)} | ${p.retrain}${p.reason ? ` (${p.reason}, mean gain ${p.gain})` : ''}`,
    );
  }
}
