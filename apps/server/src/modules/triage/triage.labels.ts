/**
 * Labels as the workspace learns from them, whatever their origin: an agent's correction in the desk
 * (`triage_labels` rows) or a line of a labelled JSONL file (`guichet triage train|evaluate`). Both go
 * through `correctionSetFromLabels`, so the offline tools and the desk split and order them identically.
 */
import { correctionSplit } from './triage.training.ts';
import { MESSAGE_TYPES, SENTIMENTS, type MessageType, type Sentiment } from './triage.models.ts';
import type { Example } from './triage.data.ts';

export const LABEL_KINDS = ['type', 'sentiment', 'complaint', 'priority'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

export interface LabelRow {
  text: string;
  kind: LabelKind;
  /** `complaint` labels are "true" / "false"; priorities "1"–"4". */
  label: string;
}

export interface CorrectionSet {
  typeTrain: Example<MessageType>[];
  typeHeldOut: Example<MessageType>[];
  sentimentTrain: Example<Sentiment>[];
  sentimentHeldOut: Example<Sentiment>[];
  /** Explicit complaint answers, plus those a type label implies (type complaint ⇔ complaint). */
  complaintTrain: Example<'true' | 'false'>[];
  complaintHeldOut: Example<'true' | 'false'>[];
  priorityHeldOut: Example<string>[];
}

export const emptyCorrectionSet = (): CorrectionSet => ({
  typeTrain: [],
  typeHeldOut: [],
  sentimentTrain: [],
  sentimentHeldOut: [],
  complaintTrain: [],
  complaintHeldOut: [],
  priorityHeldOut: [],
});

const byText = (a: { text: string }, b: { text: string }) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

/**
 * Rows in the order they were given (oldest first): the latest label per text and kind wins (an agent may
 * correct a correction), then each text falls on one side by a hash (about one in four held out, never
 * trained on). Sorted by text so that training never depends on the order labels were written.
 */
export function correctionSetFromLabels(
  rows: readonly LabelRow[],
  split: (text: string) => 'train' | 'heldout' = correctionSplit,
): CorrectionSet {
  const latest = new Map<string, LabelRow>();
  for (const row of rows) latest.set(`${row.kind}\u0000${row.text}`, row);
  const set = emptyCorrectionSet();
  const complaints = new Map<string, 'true' | 'false'>();
  const sorted = [...latest.values()].sort(byText);
  for (const row of sorted) {
    const train = split(row.text) === 'train';
    if (row.kind === 'type' && (MESSAGE_TYPES as readonly string[]).includes(row.label)) {
      (train ? set.typeTrain : set.typeHeldOut).push({ text: row.text, label: row.label as MessageType });
      if (!complaints.has(row.text)) complaints.set(row.text, row.label === 'complaint' ? 'true' : 'false');
    } else if (row.kind === 'sentiment' && (SENTIMENTS as readonly string[]).includes(row.label)) {
      (train ? set.sentimentTrain : set.sentimentHeldOut).push({ text: row.text, label: row.label as Sentiment });
    } else if (row.kind === 'priority' && !train) {
      set.priorityHeldOut.push({ text: row.text, label: row.label });
    }
  }
  // An explicit complaint answer outranks what a type label implies for the same text.
  for (const row of sorted) {
    if (row.kind === 'complaint') complaints.set(row.text, row.label === 'true' ? 'true' : 'false');
  }
  for (const [text, label] of [...complaints.entries()].sort((a, b) => byText({ text: a[0] }, { text: b[0] }))) {
    (split(text) === 'train' ? set.complaintTrain : set.complaintHeldOut).push({ text, label });
  }
  return set;
}

export class LabelFileError extends Error {}

/**
 * One JSON object per line: `{"text": …, "type"?: …, "sentiment"?: …, "complaint"?: true|false}`; each
 * present field is one label. Blank lines are skipped; anything else wrong names its line.
 */
export function parseLabelsJsonl(content: string): LabelRow[] {
  const rows: LabelRow[] = [];
  const lines = content.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new LabelFileError(`${where}: not JSON`);
    }
    if (typeof value !== 'object' || value === null) throw new LabelFileError(`${where}: not a JSON object`);
    const record = value as Record<string, unknown>;
    if (typeof record.text !== 'string' || record.text.trim() === '') {
      throw new LabelFileError(`${where}: "text" must be a non-empty string`);
    }
    const text = record.text;
    const before = rows.length;
    if (record.type !== undefined) {
      if (!(MESSAGE_TYPES as readonly unknown[]).includes(record.type)) {
        throw new LabelFileError(`${where}: "type" must be one of ${MESSAGE_TYPES.join(', ')}`);
      }
      rows.push({ text, kind: 'type', label: record.type as string });
    }
    if (record.sentiment !== undefined) {
      if (!(SENTIMENTS as readonly unknown[]).includes(record.sentiment)) {
        throw new LabelFileError(`${where}: "sentiment" must be one of ${SENTIMENTS.join(', ')}`);
      }
      rows.push({ text, kind: 'sentiment', label: record.sentiment as string });
    }
    if (record.complaint !== undefined) {
      if (typeof record.complaint !== 'boolean')
        throw new LabelFileError(`${where}: "complaint" must be true or false`);
      rows.push({ text, kind: 'complaint', label: String(record.complaint) });
    }
    if (rows.length === before) throw new LabelFileError(`${where}: no "type", "sentiment" or "complaint" label`);
  }
  return rows;
}
