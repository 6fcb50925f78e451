/**
 * Runs in a worker thread: trains the workspace models away from the event loop that serves the desk
 * (fastText in WebAssembly is synchronous: a few seconds on one core). Receives the labels, returns the bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FastTextRuntime } from './fasttext.ts';
import type { Example } from './triage.data.ts';
import type { MessageType, Sentiment } from './triage.models.ts';
import { trainWorkspaceModels } from './triage.training.ts';

const { corrections } = workerData as {
  corrections: { type: Example<MessageType>[]; sentiment: Example<Sentiment>[] };
};
const runtime = await FastTextRuntime.create();
const trained = trainWorkspaceModels(runtime, corrections);
const transfer = [trained.type.bytes.buffer, ...(trained.sentiment ? [trained.sentiment.bytes.buffer] : [])];
parentPort!.postMessage(trained, transfer as ArrayBuffer[]);
