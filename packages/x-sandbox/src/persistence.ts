import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyState, newApp, type SandboxState } from './engine.ts';

export function loadState(file: string): SandboxState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<SandboxState>;
  if (parsed.version !== 1 || !parsed.app || !Array.isArray(parsed.users) || !Array.isArray(parsed.tweets)) {
    throw new Error(`${file} is not an X sandbox state file (version 1)`);
  }
  // Files written before follows/DMs/rules/webhooks/OAuth 2.0 existed load with those collections empty
  // and gain OAuth 2.0 client credentials; the consumer keys are kept so configured clients still sign.
  const empty = emptyState();
  return {
    ...empty,
    ...parsed,
    app: { ...newApp(), ...parsed.app },
    bearerTokens: parsed.bearerTokens ?? [],
    oauth1Tokens: parsed.oauth1Tokens ?? [],
    follows: parsed.follows ?? [],
    likes: parsed.likes ?? [],
    dmEvents: parsed.dmEvents ?? [],
    rules: parsed.rules ?? [],
    webhooks: parsed.webhooks ?? [],
    subscriptions: parsed.subscriptions ?? [],
    oauth2Codes: parsed.oauth2Codes ?? [],
    refreshTokens: parsed.refreshTokens ?? [],
  } as SandboxState;
}

/** Write to a temp file then rename, so a crash mid-write never leaves a truncated state file. */
export function saveStateAtomic(file: string, state: SandboxState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  // The state holds every account's access tokens and the app's consumer secret: the owner's eyes only.
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Coalesces bursts of changes into one write after `delayMs` of quiet. */
export class DebouncedSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SandboxState,
    private readonly delayMs: number,
  ) {}

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    // A pending save must not keep a process alive on its own; close() flushes explicitly.
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    saveStateAtomic(this.file, this.snapshot());
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }
}
