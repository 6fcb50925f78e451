import type { InboundItem } from '@guichet/connectors';
import type { Logger } from 'pino';

/** Posts per stored batch: a backlog is stored in pages of this size, not as one transaction of thousands. */
export const STREAM_BATCH = 500;
/** Tries of one batch (a second apart) before it is left to polling. */
export const STREAM_ATTEMPTS = 5;
const STREAM_RETRY_MS = 1_000;

export interface StreamBatcher {
  /** Posts pushed by the stream, stored in order, one batch in flight at a time. */
  push(items: InboundItem[]): void;
  /** Resolves once the batch in flight (and its retries) is done. */
  drained(): Promise<void>;
}

/**
 * Stores streamed posts as they come: what arrives while a batch is stored forms the next batch. A failed
 * batch is kept for another try, because polling reads only X's newest 800 mentions and, under a backlog, a
 * batch dropped here could be out of its reach (issue 15); a batch failing every time is let go to polling.
 */
export function streamBatcher(store: (items: InboundItem[]) => Promise<void>, log: Logger): StreamBatcher {
  let pending: InboundItem[] = [];
  let flushing: Promise<void> | undefined;
  let failures = 0;
  const flush = async () => {
    while (pending.length > 0) {
      const items = pending.slice(0, STREAM_BATCH);
      pending = pending.slice(items.length);
      try {
        await store(items);
        failures = 0;
      } catch (error) {
        if (++failures < STREAM_ATTEMPTS) pending = [...items, ...pending];
        throw error;
      }
    }
  };
  const afterFailure = async (error: unknown) => {
    const dropped = failures >= STREAM_ATTEMPTS;
    log.error(
      { err: error },
      dropped
        ? 'could not store streamed posts; polling will pick them up'
        : 'could not store streamed posts; trying again',
    );
    if (!dropped) await new Promise((resolve) => setTimeout(resolve, STREAM_RETRY_MS));
    else failures = 0;
  };
  const schedule = () => {
    flushing ??= flush()
      .catch(afterFailure)
      .finally(() => {
        flushing = undefined;
        if (pending.length > 0) schedule();
      });
  };
  return {
    push(items) {
      pending.push(...items);
      schedule();
    },
    drained: async () => {
      await flushing;
    },
  };
}
