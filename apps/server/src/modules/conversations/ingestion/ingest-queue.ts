import type { Db } from '../../../platform/db/database.ts';
import type { IngestResult, InboundPage } from './page.ts';
import type { IngestDeps } from './pipeline.ts';

/** Runs a group of one channel's pages in one transaction: one result per page, in order. */
export type RunGroup = (deps: IngestDeps, pages: InboundPage[]) => Promise<IngestResult[]>;

export interface GroupBounds {
  /** At most this many pages per transaction. */
  pages: number;
  /** At most this many items per transaction, unless its first page alone has more (a page is never split). */
  items: number;
}

/** A burst past these bounds is committed in several transactions: each stays short, its locks held briefly. */
export const GROUP_BOUNDS: GroupBounds = { pages: 10, items: 1_000 };

interface Waiting {
  deps: IngestDeps;
  page: InboundPage;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Pages go through the stages together only when the stages would treat them alike: the same channel as
 * the same row (its account and settings decide echoes and noise), the same threading rule, the same
 * classifier, clock, realtime bus, metrics and timings. The logger may differ (one per delivery).
 */
function compatible(first: Waiting, next: Waiting): boolean {
  const [a, b] = [first.page, next.page];
  const same = (key: keyof IngestDeps) => key === 'logger' || first.deps[key] === next.deps[key];
  return (
    a.channel.id === b.channel.id &&
    a.channel.external_account_id === b.channel.external_account_id &&
    a.channel.settings === b.channel.settings &&
    Boolean(a.threadByParent) === Boolean(b.threadByParent) &&
    (['db', 'clock', 'classifier', 'realtime', 'metrics', 'timings'] as const).every(same)
  );
}

/**
 * Group commit for inbound pages (decision 0019): per channel, one transaction at a time; pages that come
 * while it runs wait, and the next transaction takes them together — the waiting pages in submission order
 * up to the bounds, stopping at the first one that cannot join. One page at a time (a steady trickle) is
 * stored at once, as before; a burst (webhook deliveries arriving together, a replay, a catch-up) pays
 * the per-transaction costs once per group instead of once per page.
 *
 * A group that fails is tried again page by page, so one bad page fails alone, as it did before grouping;
 * the queue goes on with the next group either way. Each page's promise settles with its own result.
 * Memory: a waiting page is held until its group commits; a producer that awaits its promise (a webhook
 * request, a poll, the stream's batcher) submits nothing more meanwhile, so what waits is bounded by the
 * producers in flight.
 */
export class IngestQueue {
  /** Pages waiting per channel; a channel is present while a group of its pages is running. */
  private readonly lanes = new Map<string, Waiting[]>();

  constructor(
    private readonly run: RunGroup,
    private readonly bounds: GroupBounds = GROUP_BOUNDS,
  ) {}

  submit(deps: IngestDeps, page: InboundPage): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { deps, page, resolve, reject };
      const lane = this.lanes.get(page.channel.id);
      if (lane) lane.push(waiting);
      else {
        this.lanes.set(page.channel.id, [waiting]);
        void this.drain(page.channel.id);
      }
    });
  }

  /** Runs the channel's groups one after another until none is waiting. */
  private async drain(channelId: string): Promise<void> {
    const lane = this.lanes.get(channelId)!;
    while (lane.length > 0) await this.runGroup(this.take(lane));
    this.lanes.delete(channelId);
  }

  private take(lane: Waiting[]): Waiting[] {
    const group = [lane[0]!];
    let items = lane[0]!.page.items.length;
    for (const next of lane.slice(1)) {
      items += next.page.items.length;
      if (group.length >= this.bounds.pages || items > this.bounds.items || !compatible(group[0]!, next)) break;
      group.push(next);
    }
    lane.splice(0, group.length);
    return group;
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    try {
      const results = await this.run(
        group[0]!.deps,
        group.map((w) => w.page),
      );
      group.forEach((w, index) => w.resolve(results[index]!));
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else for (const waiting of group) await this.runGroup([waiting]);
    }
  }
}

/** One queue per database handle, so every path of this process (poll, stream, webhooks) shares it. */
const queues = new WeakMap<Db, IngestQueue>();

export function ingestQueueOf(db: Db, run: RunGroup): IngestQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = new IngestQueue(run);
    queues.set(db, queue);
  }
  return queue;
}
