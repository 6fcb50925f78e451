import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Slows password spraying from one address: after `maxFailures` failures from one key (the client address)
 * within the window, further attempts are refused until the window passes. In memory, per process: the
 * per-account backoff below is what bounds guesses at one account, whatever the addresses.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures = 30,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.clock.now().getTime() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  isBlocked(key: string): boolean {
    return this.recent(key).length >= this.maxFailures;
  }

  recordFailure(key: string): void {
    this.failures.set(key, [...this.recent(key), this.clock.now().getTime()]);
    // Bound memory against a flood of distinct keys.
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

/** Password checks allowed for one account before it locks. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 60 * 60_000;
/** A day without a failure starts the count again. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

/** How long the account stays locked after its `failures`-th attempt: 1, 2, 4… minutes, at most an hour. */
export function lockDuration(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS));
}

function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function lockedError(lockedUntil: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  return new AppError(
    'auth.account_locked',
    'rate_limited',
    `Too many failed sign-ins for this account; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    { retryAfterSeconds },
  );
}

/**
 * Claims one password check for the account named by `email`, before the password is looked at: every
 * attempt counts as a failure until it succeeds (`clearAccountFailures`). The claim is a compare-and-set on
 * the stored count, so concurrent attempts (from any number of addresses or web processes) each take their
 * own turn: at most FREE_ATTEMPTS checks, then one per lock window, growing. A locked account refuses even
 * the right password until the window ends. Throws `auth.account_locked` when no check is allowed.
 */
export async function claimSignInAttempt(deps: { db: Db; clock: Clock }, email: string): Promise<void> {
  const key = accountKey(email);
  for (let round = 0; round < 5; round++) {
    const now = deps.clock.now().getTime();
    const row = await deps.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('account_key', '=', key)
      .executeTakeFirst();
    if (row && row.locked_until > now) throw lockedError(row.locked_until, now);
    const stale = !row || now - row.updated_at > FORGET_AFTER_MS;
    const failures = (stale ? 0 : row.failures) + 1;
    const lockedUntil = failures >= FREE_ATTEMPTS ? now + lockDuration(failures) : 0;
    if (!row) {
      const inserted = await deps.db
        .insertInto('sign_in_failures')
        .values({ account_key: key, failures, locked_until: lockedUntil, updated_at: now })
        .onConflict((oc) => oc.column('account_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return;
      continue;
    }
    const updated = await deps.db
      .updateTable('sign_in_failures')
      .set({ failures, locked_until: lockedUntil, updated_at: now })
      .where('account_key', '=', key)
      .where('failures', '=', row.failures)
      .where('updated_at', '=', row.updated_at)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
  }
  // Others are hammering this account right now: this attempt waits for another turn.
  throw new AppError('auth.too_many_attempts', 'rate_limited', 'Too many sign-ins at once; try again shortly.');
}

/** A right password: the account's count starts again. */
export async function clearAccountFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('account_key', '=', accountKey(email)).execute();
}
