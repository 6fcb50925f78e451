import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Db } from './db/database.ts';

/**
 * Takes or renews the lease `name` for `holder` until `now + ttlMs`: granted when nobody holds it, when the
 * holder is this one, or when the previous holder let it expire. One conditional write each way, so two
 * processes racing for a free lease cannot both win (the row's lock re-checks the condition).
 */
export async function holdLease(db: Db, name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  const renewed = await db
    .updateTable('leases')
    .set((eb) => ({
      holder,
      expires_at: now + ttlMs,
      acquired_at: eb.case().when('holder', '=', holder).then(eb.ref('acquired_at')).else(now).end(),
    }))
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<=', now)]))
    .returning('name')
    .executeTakeFirst();
  if (renewed) return true;
  const created = await db
    .insertInto('leases')
    .values({ name, holder, acquired_at: now, expires_at: now + ttlMs })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  return created !== undefined;
}

/** Gives the lease up at once (a clean stop), so the next holder need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: string, now: number): Promise<void> {
  await db
    .updateTable('leases')
    .set({ expires_at: now })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export interface LeaderElectionOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  name: string;
  holder: string;
  leaseMs: number;
  /** Told when this process becomes the leader (true) or stops being it (false). */
  onChange?: (leader: boolean) => void;
}

/**
 * One leader among the processes playing a role, on a lease row: the leader renews it every quarter lease;
 * the others try as often, so when the leader dies (even SIGKILL) one of them takes over at most a quarter
 * lease after the lease ran out. A leader that could not renew in time stops leading by itself, before
 * anyone else may take over.
 */
export class LeaderElection {
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: LeaderElectionOptions) {}

  isLeader(): boolean {
    return this.options.clock.now().getTime() < this.expiresAt;
  }

  /** One attempt to take or renew the lease; exposed so tests drive it with a manual clock. */
  async attempt(): Promise<boolean> {
    const { db, clock, name, holder, leaseMs } = this.options;
    const was = this.isLeader();
    const now = clock.now().getTime();
    try {
      // Someone else holds it: this process is not the leader (whatever it believed).
      this.expiresAt = (await holdLease(db, name, holder, now, leaseMs)) ? now + leaseMs : 0;
    } catch (error) {
      // The database did not answer: leadership, if any, lapses by itself when the lease runs out.
      this.options.logger.warn({ err: error, lease: name }, 'could not renew the lease; retrying');
    }
    const is = this.isLeader();
    if (is !== was) {
      this.options.logger.info({ lease: name, holder }, is ? 'leadership taken' : 'leadership lost');
      this.options.onChange?.(is);
    }
    return is;
  }

  start(): void {
    this.running = true;
    const loop = () => {
      void this.attempt().finally(() => {
        if (this.running) this.timer = setTimeout(loop, Math.max(50, this.options.leaseMs / 4));
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.expiresAt === 0) return;
    this.expiresAt = 0;
    await releaseLease(
      this.options.db,
      this.options.name,
      this.options.holder,
      this.options.clock.now().getTime(),
    ).catch(() => undefined);
  }
}
