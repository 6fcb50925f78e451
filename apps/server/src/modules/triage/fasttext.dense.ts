/**
 * fastText prediction in TypeScript for the models we train ourselves (supervised, softmax loss, dense
 * matrices): fastText 0.9's `predictLine` (the same tokens, FNV-1a hashes over UTF-8 bytes, character n-grams
 * and word n-grams hashed into buckets, mean of the rows, softmax), without a WebAssembly crossing per call.
 * Sums are in double precision where fastText's are float32: probabilities agree within 1e-6 (the tests
 * compare both). Any other model (lid.176 is quantized, hierarchical softmax) stays in fastText.
 */
import type { FastTextModel } from './fasttext.ts';

const MAGIC = 793_712_314;
const VERSION = 12;
const LOSS_SOFTMAX = 3;
const MODEL_SUPERVISED = 3;
const EOS = '</s>';
const LABEL_PREFIX = '__label__';
/** fastText's `readWord` separators; a line ends with '\n', which reads as the EOS token. */
const SEPARATORS = /[ \n\r\t\v\f\0]+/;
const FNV_OFFSET = 2_166_136_261;
const FNV_PRIME = 16_777_619;
const ONLY_SPACES = /^[^\n\r\t\v\f\0]*$/;

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  int32(): number {
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }
  int64(): number {
    const v = Number(this.view.getBigInt64(this.offset, true));
    this.offset += 8;
    return v;
  }
  float64(): number {
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }
  byte(): number {
    return this.bytes[this.offset++]!;
  }
  /** A NUL-terminated byte string (a dictionary entry). */
  cstring(): Uint8Array {
    const end = this.bytes.indexOf(0, this.offset);
    const out = this.bytes.subarray(this.offset, end);
    this.offset = end + 1;
    return out;
  }
  /** `rows × cols` float32 values, copied (the file's offsets are not 4-byte aligned). */
  floats(count: number): Float32Array {
    const out = new Float32Array(this.bytes.slice(this.offset, this.offset + count * 4).buffer);
    this.offset += count * 4;
    return out;
  }
}

interface DenseHeader {
  dim: number;
  wordNgrams: number;
  bucket: number;
  minn: number;
  maxn: number;
}

/** fastText's `Dictionary::hash` step: FNV-1a, each byte sign-extended first (its `int8_t` cast). */
function fnvStep(h: number, byte: number): number {
  return Math.imul((h ^ (byte >= 128 ? byte | 0xffffff00 : byte)) >>> 0, FNV_PRIME) >>> 0;
}

/** The UTF-8 bytes of each character (code point) of a word: fastText's n-grams count characters, hash bytes. */
function utf8Characters(word: string): number[][] {
  const out: number[][] = [];
  for (const ch of word) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push([c]);
    else if (c < 0x800) out.push([0xc0 | (c >> 6), 0x80 | (c & 63)]);
    else if (c < 0x10000) out.push([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]);
    else out.push([0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]);
  }
  return out;
}

function hashCharacters(characters: number[][], from: number, to: number, h = FNV_OFFSET): number {
  for (let i = from; i < to; i++) for (const byte of characters[i]!) h = fnvStep(h, byte);
  return h;
}

const decoder = new TextDecoder();
const TWO_32 = 2 ** 32;
const NGRAM_MULTIPLIER = 116_049_371;

/**
 * `h * 116049371 + next` in unsigned 64-bit arithmetic, h as two 32-bit halves, `next` sign-extended (as
 * fastText's int32 → uint64 conversion does). Exact: every intermediate stays below 2^53. Returns the new
 * low half and leaves the new high half in `ngramHigh` (no array per step).
 */
let ngramHigh = 0;
function ngramStep(hi: number, lo: number, next: number): number {
  const p0 = (lo & 0xffff) * NGRAM_MULTIPLIER;
  const p1 = (lo >>> 16) * NGRAM_MULTIPLIER;
  const t = p0 + (p1 % 65536) * 65536;
  let newLo = (t % TWO_32) + (next >>> 0);
  let newHi = (Math.imul(hi, NGRAM_MULTIPLIER) >>> 0) + Math.floor(t / TWO_32) + Math.floor(p1 / 65536);
  if (newLo >= TWO_32) {
    newLo -= TWO_32;
    newHi += 1;
  }
  ngramHigh = (newHi + (next < 0 ? 0xffffffff : 0)) % TWO_32;
  return newLo;
}

/**
 * One token, worked out once: the sum of its input rows (its own row and character n-grams, or only the
 * n-grams of an unknown word), how many rows that is, and its hash for the word n-grams.
 */
interface Token {
  sum: Float64Array;
  rows: number;
  /** fastText keeps word hashes as int32 (signed) for the word n-grams. */
  hash: number;
  /** A label written in the text: no features at all. */
  label: boolean;
}

/** Tokens seen so far, per model (~250 bytes each); cleared past this size, so a model holds ~12 MB at most. */
const TOKEN_CACHE_LIMIT = 50_000;

class DenseModel implements FastTextModel {
  private readonly ids = new Map<string, number>();
  private readonly tokens = new Map<string, Token>();
  private readonly hidden: Float64Array;
  private readonly output: Float64Array;
  private readonly bucketHighFactor: number;

  constructor(
    private readonly header: DenseHeader,
    private readonly nwords: number,
    private readonly labels: string[],
    private readonly words: string[],
    private readonly input: Float32Array,
    private readonly outputMatrix: Float32Array,
  ) {
    words.forEach((w, i) => this.ids.set(w, i));
    this.hidden = new Float64Array(header.dim);
    this.output = new Float64Array(labels.length);
    this.bucketHighFactor = TWO_32 % header.bucket;
  }

  /** `Dictionary::computeSubwords` on "<word>": every character n-gram from minn to maxn. */
  private pushSubwords(characters: number[][], out: number[]): void {
    const { minn, maxn, bucket } = this.header;
    const length = characters.length;
    for (let i = 0; i < length; i++) {
      let h = FNV_OFFSET;
      for (let n = 1; i + n <= length && n <= maxn; n++) {
        h = hashCharacters(characters, i + n - 1, i + n, h);
        if (n >= minn && !(n === 1 && (i === 0 || i + n === length))) out.push(this.nwords + (h % bucket));
      }
    }
  }

  /** What `Dictionary::getLine` reads for one token, done once per distinct token. */
  private token(word: string): Token {
    let token = this.tokens.get(word);
    if (token) return token;
    const id = this.ids.get(word);
    const characters = utf8Characters(word);
    const hash = hashCharacters(characters, 0, characters.length) | 0;
    const rows: number[] = [];
    const label = id === undefined ? word.startsWith(LABEL_PREFIX) : id >= this.nwords;
    if (!label) {
      if (id !== undefined) rows.push(id);
      if (this.header.maxn > 0 && word !== EOS) this.pushSubwords(utf8Characters(`<${word}>`), rows);
    }
    const sum = new Float64Array(this.header.dim);
    for (const r of rows) this.addRow(sum, r);
    token = { sum, rows: rows.length, hash, label };
    if (this.tokens.size >= TOKEN_CACHE_LIMIT) this.tokens.clear();
    this.tokens.set(word, token);
    return token;
  }

  private addRow(into: Float64Array, row: number): void {
    const { input } = this;
    const base = row * into.length;
    for (let d = 0; d < into.length; d++) into[d] = into[d]! + input[base + d]!;
  }

  /**
   * The hidden layer of one line (the text up to its first newline, then EOS): the mean of its input rows,
   * word n-grams included; false when the line has none. Sums are in double precision, fastText's in float:
   * probabilities differ from fastText's in the seventh decimal at most.
   */
  private computeHidden(text: string): boolean {
    const newline = text.indexOf('\n');
    const line = newline < 0 ? text : text.slice(0, newline);
    const words = ONLY_SPACES.test(line) ? line.split(' ') : line.split(SEPARATORS);
    words.push(EOS);
    const { hidden } = this;
    hidden.fill(0);
    let rows = 0;
    const hashes: number[] = [];
    for (const word of words) {
      if (word.length === 0) continue;
      const token = this.token(word);
      if (token.label) continue;
      for (let d = 0; d < hidden.length; d++) hidden[d] = hidden[d]! + token.sum[d]!;
      rows += token.rows;
      hashes.push(token.hash);
    }
    rows += this.addWordNgrams(hashes);
    if (rows === 0) return false;
    for (let d = 0; d < hidden.length; d++) hidden[d] = hidden[d]! / rows;
    return true;
  }

  /** `Dictionary::addWordNgrams`: unsigned 64-bit hashes of each run of up to wordNgrams words, into buckets. */
  private addWordNgrams(hashes: number[]): number {
    const { wordNgrams, bucket } = this.header;
    let added = 0;
    for (let i = 0; i < hashes.length; i++) {
      let hi = hashes[i]! < 0 ? 0xffffffff : 0;
      let lo = hashes[i]! >>> 0;
      for (let j = i + 1; j < hashes.length && j < i + wordNgrams; j++) {
        lo = ngramStep(hi, lo, hashes[j]!);
        hi = ngramHigh;
        this.addRow(this.hidden, this.nwords + (((hi % bucket) * this.bucketHighFactor + (lo % bucket)) % bucket));
        added++;
      }
    }
    return added;
  }

  predict(text: string, k = -1): { label: string; probability: number }[] {
    if (!this.computeHidden(text)) return [];
    const { hidden, output, outputMatrix } = this;
    const dim = hidden.length;
    let max = -Infinity;
    for (let o = 0; o < output.length; o++) {
      let sum = 0;
      const base = o * dim;
      for (let d = 0; d < dim; d++) sum += outputMatrix[base + d]! * hidden[d]!;
      output[o] = sum;
      max = Math.max(max, sum);
    }
    let z = 0;
    for (let o = 0; o < output.length; o++) z += output[o] = Math.exp(output[o]! - max);
    const out: { label: string; probability: number }[] = [];
    // fastText returns exp(log(p + 1e-5)): p plus a floor of 1e-5.
    for (let o = 0; o < output.length; o++) out.push({ label: this.labels[o]!, probability: output[o]! / z + 1e-5 });
    out.sort((a, b) => b.probability - a.probability);
    return k < 0 ? out : out.slice(0, k);
  }
}

/** A supervised softmax model with dense matrices, or null for anything else (left to fastText itself). */
export function loadDenseModel(bytes: Uint8Array): FastTextModel | null {
  const r = new Reader(bytes);
  if (r.int32() !== MAGIC || r.int32() !== VERSION) return null;
  const [dim, , , , , wordNgrams, loss, model, bucket, minn, maxn] = Array.from({ length: 12 }, () => r.int32());
  r.float64();
  if (loss !== LOSS_SOFTMAX || model !== MODEL_SUPERVISED) return null;
  const size = r.int32();
  const nwords = r.int32();
  r.int32(); // nlabels
  r.int64(); // ntokens
  const pruneIndexSize = r.int64();
  if (pruneIndexSize !== -1) return null;
  const words: string[] = [];
  for (let i = 0; i < size; i++) {
    words.push(decoder.decode(r.cstring()));
    r.int64(); // count
    r.byte(); // entry type
  }
  if (r.byte() !== 0) return null; // quantized input
  const inputRows = r.int64();
  const inputCols = r.int64();
  const input = r.floats(inputRows * inputCols);
  if (r.byte() !== 0) return null; // quantized output
  const outputRows = r.int64();
  const outputCols = r.int64();
  const output = r.floats(outputRows * outputCols);
  if (inputCols !== dim! || outputCols !== dim) return null;
  const labels = words.slice(nwords).map((w) => w.slice(LABEL_PREFIX.length));
  return new DenseModel(
    { dim: dim!, wordNgrams: wordNgrams!, bucket: bucket!, minn: minn!, maxn: maxn! },
    nwords,
    labels,
    words,
    input,
    output,
  );
}
