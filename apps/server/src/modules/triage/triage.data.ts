/**
 * Loaders for the triage data sets in ../shared/data (read in place, never copied into the repository) and
 * for the labels Guichet wrote itself (training/). Shared by `npm run train:triage`, the bench and the
 * workspace retraining job, so that all agree on every split.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@guichet/x-sandbox';
import type { MessageType, Sentiment } from './triage.models.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../../..');
/**
 * The public data sets' folder, found when a loader first needs it: the desk must start where ../shared is
 * absent (an installed copy, a container), and only training and benchmarks read these sets.
 */
export const dataDir = (): string => process.env.TRIAGE_DATA_DIR ?? sharedPath('data');
export const TRAINING_DIR = path.resolve(here, 'training');

export interface Example<L extends string = string> {
  text: string;
  label: L;
}

const SENTIMENT_BY_INDEX: Sentiment[] = ['negative', 'neutral', 'positive'];

function lines(file: string): string[] {
  const all = readFileSync(file, 'utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

function paired(textFile: string, labelFile: string): Example<Sentiment>[] {
  const texts = lines(textFile);
  const labels = lines(labelFile);
  if (texts.length !== labels.length) throw new Error(`${textFile}: ${texts.length} texts, ${labels.length} labels`);
  return texts.map((text, i) => ({ text, label: SENTIMENT_BY_INDEX[Number(labels[i])]! }));
}

/**
 * TweetEval's train split (45k) is not in ../shared/data. The shipped model trains on its val split plus a fixed
 * half of its test split (by a hash of the text, so duplicates fall on the same side); the bench scores the
 * other half, which the model never saw.
 */
export function tweetEvalHalf(text: string): 'train' | 'heldout' {
  return createHash('sha256').update(text).digest()[0]! < 128 ? 'train' : 'heldout';
}

export function tweetEval(split: 'val' | 'test'): Example<Sentiment>[] {
  const dir = path.join(dataDir(), 'tweeteval-sentiment');
  return paired(path.join(dir, `${split}_text.txt`), path.join(dir, `${split}_labels.txt`));
}

export function umsabFrench(split: 'train' | 'val' | 'test'): Example<Sentiment>[] {
  const dir = path.join(dataDir(), 'umsab-french-sentiment');
  return paired(path.join(dir, `${split}_text.txt`), path.join(dir, `${split}_labels.txt`));
}

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    if (quoted) {
      if (ch === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function csvObjects(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (!header) return [];
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Type labels per intent, written by Guichet: `training/intent-types.json`. */
interface IntentTypes {
  banking77: Record<string, MessageType>;
  clinc150: Record<string, MessageType>;
}
export function intentTypes(): IntentTypes {
  return readJson<IntentTypes>(path.join(TRAINING_DIR, 'intent-types.json'));
}

/** The first `perIntent` training examples of each mapped intent, in file order. */
function capped(rows: [string, string][], mapping: Record<string, MessageType>, perIntent: number) {
  const seen = new Map<string, number>();
  const out: Example<MessageType>[] = [];
  for (const [text, intent] of rows) {
    const label = mapping[intent];
    if (!label) continue;
    const n = seen.get(intent) ?? 0;
    if (n >= perIntent) continue;
    seen.set(intent, n + 1);
    out.push({ text, label });
  }
  return out;
}

export function banking77Types(perIntent: number): Example<MessageType>[] {
  const rows = csvObjects(path.join(dataDir(), 'banking77', 'train.csv')).map(
    (r) => [r.text ?? '', r.category ?? ''] as [string, string],
  );
  return capped(rows, intentTypes().banking77, perIntent);
}

export function clinc150Types(perIntent: number): Example<MessageType>[] {
  const data = readJson<{ train: [string, string][] }>(path.join(dataDir(), 'clinc150', 'data_full.json'));
  return capped(data.train, intentTypes().clinc150, perIntent);
}

interface IbmConversation {
  dialogContent: { message: string; tweet_ID: string }[];
}
/** The customer's opening posts of the IBM conversations that Guichet labelled (training/ibm-openers.labels.tsv). */
export function ibmLabelled(): Example<MessageType>[] {
  const byId = new Map<string, string>();
  for (const split of ['dev', 'test']) {
    for (const c of readJson<IbmConversation[]>(path.join(dataDir(), 'ibm-twitter-cdp', `${split}.json`))) {
      const first = c.dialogContent[0];
      if (first) byId.set(first.tweet_ID, first.message);
    }
  }
  return lines(path.join(TRAINING_DIR, 'ibm-openers.labels.tsv'))
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([, id, label]) => {
      const text = byId.get(id ?? '');
      if (!text) throw new Error(`IBM tweet ${id} not found in ${dataDir()}`);
      return { text, label: label as MessageType };
    });
}

/** Posts written by the Guichet team (training/authored.tsv). */
export function authored(): (Example<MessageType> & { lang: string })[] {
  return lines(path.join(TRAINING_DIR, 'authored.tsv'))
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([label, lang, text]) => ({ label: label as MessageType, lang: lang ?? '', text: text ?? '' }));
}

// ---- Evaluation only (non-commercial licences): read at bench time, never used for training. ----

export function airlineTweets(): { text: string; sentiment: Sentiment; reason: string }[] {
  return csvObjects(path.join(dataDir(), 'airline-sentiment', 'Tweets.csv')).map((r) => ({
    text: r.text ?? '',
    sentiment: (r.airline_sentiment ?? 'neutral') as Sentiment,
    reason: r.negativereason ?? '',
  }));
}

export function amazonBadSupport(): { text: string; badSupport: boolean }[] {
  return csvObjects(path.join(dataDir(), 'twcs-ericsson-labeled', 'twcs-AmazonHelp-200-inbound.csv')).map((r) => ({
    text: r.text ?? '',
    badSupport: (r['Bad Support'] ?? '').trim() !== '' && (r['Bad Support'] ?? '').trim() !== '0',
  }));
}

/** A small seeded PRNG (mulberry32) for reproducible shuffles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
