/**
 * Pay-per-use cost accounting (contract §11.3). Amounts are kept in integer tenths of a cent ($0.001,
 * "mills") so sums never drift; reads are billed per resource returned and de-duplicated per resource per
 * UTC day, writes per request.
 */

export type CostKind =
  | 'post_read'
  | 'user_read'
  | 'dm_event_read'
  | 'follower_read'
  | 'owned_read'
  | 'post_create'
  | 'post_with_url_create'
  | 'summoned_reply_create'
  | 'dm_create'
  | 'interaction_create'
  | 'delete'
  // X Activity API: per delivered event (dm.* and post.* priced by the contract; likes and follows at the
  // price of reading a like or a follower, the contract's "…").
  | 'activity_dm_event'
  | 'activity_post_event'
  | 'activity_like_event'
  | 'activity_follow_event';

/** Prices in $0.001. */
export const COST_PRICES_MILLS: Record<CostKind, number> = {
  post_read: 5,
  user_read: 10,
  dm_event_read: 10,
  follower_read: 10,
  owned_read: 1,
  post_create: 15,
  post_with_url_create: 200,
  summoned_reply_create: 10,
  dm_create: 15,
  interaction_create: 15,
  delete: 10,
  activity_dm_event: 10,
  activity_post_event: 5,
  activity_like_event: 1,
  activity_follow_event: 10,
};

const READ_KINDS = new Set<CostKind>(['post_read', 'user_read', 'dm_event_read', 'follower_read', 'owned_read']);

/** One billed item: a read of some resources, or one write. */
export interface CostItem {
  kind: CostKind;
  /** Resource ids for reads (de-duplicated per UTC day); ignored for writes. */
  ids?: string[];
}

export interface CostLine {
  count: number;
  usd: number;
}

export interface CostDay {
  totalUsd: number;
  items: Partial<Record<CostKind, CostLine>>;
}

export interface CostReport {
  totalUsd: number;
  /** Keyed by app (the consumer key), then by UTC day (YYYY-MM-DD). */
  apps: Record<string, { totalUsd: number; days: Record<string, CostDay> }>;
}

const usd = (mills: number): number => mills / 1000;

export class CostLedger {
  private seen = new Set<string>();
  private lines = new Map<string, { count: number; mills: number }>();

  constructor(private readonly clock: () => Date) {}

  charge(app: string, items: CostItem[]): void {
    const day = this.clock().toISOString().slice(0, 10);
    for (const item of items) {
      let count = 1;
      if (READ_KINDS.has(item.kind)) {
        count = 0;
        for (const id of new Set(item.ids ?? [])) {
          const key = `${app}|${day}|${item.kind}|${id}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
          count++;
        }
        if (count === 0) continue;
      }
      const key = `${app}|${day}|${item.kind}`;
      const line = this.lines.get(key) ?? { count: 0, mills: 0 };
      line.count += count;
      line.mills += count * COST_PRICES_MILLS[item.kind];
      this.lines.set(key, line);
    }
  }

  report(): CostReport {
    const out: CostReport = { totalUsd: 0, apps: {} };
    let total = 0;
    const appTotals = new Map<string, number>();
    const dayTotals = new Map<string, number>();
    for (const [key, line] of this.lines) {
      const [app, day, kind] = key.split('|') as [string, string, CostKind];
      const a = (out.apps[app] ??= { totalUsd: 0, days: {} });
      const d = (a.days[day] ??= { totalUsd: 0, items: {} });
      d.items[kind] = { count: line.count, usd: usd(line.mills) };
      total += line.mills;
      appTotals.set(app, (appTotals.get(app) ?? 0) + line.mills);
      dayTotals.set(`${app}|${day}`, (dayTotals.get(`${app}|${day}`) ?? 0) + line.mills);
    }
    for (const [app, mills] of appTotals) out.apps[app]!.totalUsd = usd(mills);
    for (const [key, mills] of dayTotals) {
      const [app, day] = key.split('|') as [string, string];
      out.apps[app]!.days[day]!.totalUsd = usd(mills);
    }
    out.totalUsd = usd(total);
    return out;
  }

  reset(): void {
    this.seen.clear();
    this.lines.clear();
  }
}
