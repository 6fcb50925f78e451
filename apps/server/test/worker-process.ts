import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const GUICHET_BIN = path.resolve(import.meta.dirname, '../bin/guichet.mjs');

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown hook runs, exactly like a crash or an OOM kill. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a real desk process (`guichet start --roles=…`) against the given environment. */
export function startDeskProcess(env: Record<string, string>, roles = 'worker,scheduler'): WorkerProcess {
  const child = spawn(process.execPath, [GUICHET_BIN, 'start', `--roles=${roles}`], {
    env: { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (real time, for a real child process) until `check` is true or the deadline passes. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${label}`);
}
