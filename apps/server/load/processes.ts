import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const GUICHET_BIN = path.resolve(import.meta.dirname, '../bin/guichet.mjs');
const CLOCK_TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second

/** One desk role as the load test runs it; a restart keeps the name and accumulates the figures. */
export interface DeskProcess {
  name: string;
  roles: string;
  port: number | undefined;
  child: ChildProcess;
  /** Highest resident set seen over every incarnation, in MiB. */
  peakRssMiB: number;
  /** CPU seconds of the incarnations that ended (the current one is read live). */
  cpuSecondsBefore: number;
  errorLines: number;
  warnLines: number;
  restarts: number;
  lastLines: string[];
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spawnChild(desk: DeskProcess, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [GUICHET_BIN, 'start', `--roles=${desk.roles}`], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...(desk.port === undefined ? {} : { PORT: String(desk.port), HOST: '127.0.0.1' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (stderr: boolean) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      // pino levels: 50 error, 60 fatal. A plain line on stderr is a crash trace: an error too (the
      // first-start banner is plain text on stdout).
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level === undefined ? stderr : Number(level) >= 50) desk.errorLines++;
      else if (level === '40') desk.warnLines++;
      desk.lastLines.push(line.slice(0, 400));
      if (desk.lastLines.length > 20) desk.lastLines.shift();
    }
  };
  child.stdout!.on('data', onData(false));
  child.stderr!.on('data', onData(true));
  return child;
}

export function startDesk(name: string, roles: string, env: Record<string, string>, port?: number): DeskProcess {
  const desk: DeskProcess = {
    name,
    roles,
    port,
    child: undefined as unknown as ChildProcess,
    peakRssMiB: 0,
    cpuSecondsBefore: 0,
    errorLines: 0,
    warnLines: 0,
    restarts: 0,
    lastLines: [],
  };
  desk.child = spawnChild(desk, env);
  return desk;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGKILL: no shutdown hook runs, as in a crash or an out-of-memory kill. */
export async function killDesk(desk: DeskProcess): Promise<void> {
  const cpu = cpuSeconds(desk.child.pid);
  desk.child.kill('SIGKILL');
  await exited(desk.child);
  desk.cpuSecondsBefore += cpu;
}

export function restartDesk(desk: DeskProcess, env: Record<string, string>): void {
  desk.restarts++;
  desk.child = spawnChild(desk, env);
}

export async function stopDesk(desk: DeskProcess): Promise<void> {
  if (desk.child.exitCode !== null || desk.child.signalCode !== null) return;
  desk.cpuSecondsBefore += cpuSeconds(desk.child.pid);
  desk.child.kill('SIGTERM');
  const timer = setTimeout(() => desk.child.kill('SIGKILL'), 10_000);
  await exited(desk.child);
  clearTimeout(timer);
}

/** Resident set size of a live process, in MiB (0 once it is gone). */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1] ?? /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command is `comm` (the PostgreSQL or Redis servers). */
export function cpuSecondsOfCommand(comm: string): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    total += cpuSeconds(Number(entry));
  }
  return total;
}

export function sampleRss(desks: DeskProcess[]): void {
  for (const desk of desks) desk.peakRssMiB = Math.max(desk.peakRssMiB, rssMiB(desk.child.pid));
}

export async function waitHealthy(desk: DeskProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (desk.child.exitCode !== null) throw new Error(`${desk.name} exited:\n${desk.lastLines.join('\n')}`);
    const ok = await fetch(`http://127.0.0.1:${desk.port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${desk.name} did not answer /healthz within ${timeoutMs} ms`);
}
