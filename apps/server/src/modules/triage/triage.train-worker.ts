/**
 * Runs in a worker thread: trains the workspace type model away from the event loop that serves the desk
 * (fastText in WebAssembly is synchronous: ~3 s on one core). Receives the corrections, returns the bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FastTextRuntime } from './fasttext.ts';
import type { Example } from './triage.data.ts';
import type { MessageType } from './triage.models.ts';
import { trainTypeModel } from './triage.training.ts';

const corrections = (workerData as { corrections: Example<MessageType>[] }).corrections;
const runtime = await FastTextRuntime.create();
const trained = trainTypeModel(runtime, corrections);
parentPort!.postMessage(trained, [trained.bytes.buffer as ArrayBuffer]);
