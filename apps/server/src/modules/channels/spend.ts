import { X_PAY_PER_USE_PRICES, type XUsage } from '@guichet/connectors';
import { sql } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Adds metered X usage to the channel's day, in one upsert per category. */
export async function recordUsage(db: DbOrTx, channelId: string, usages: XUsage[], now: number): Promise<void> {
  const byCategory = new Map<string, number>();
  for (const usage of usages) byCategory.set(usage.category, (byCategory.get(usage.category) ?? 0) + usage.units);
  const day = utcDay(now);
  for (const [category, units] of byCategory) {
    const price = X_PAY_PER_USE_PRICES[category as keyof typeof X_PAY_PER_USE_PRICES] ?? 0;
    const costMicros = Math.round(units * price * 1_000_000);
    await db
      .insertInto('channel_usage')
      .values({ channel_id: channelId, day, category, units, cost_micros: costMicros, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['channel_id', 'day', 'category']).doUpdateSet({
          units: sql<number>`channel_usage.units + ${units}`,
          cost_micros: sql<number>`channel_usage.cost_micros + ${costMicros}`,
          updated_at: now,
        }),
      )
      .execute();
  }
}

/**
 * The desk's meter as the connectors call it, once per X call: written at once when nothing is being
 * written, else added up and written as one upsert per channel and category when the write in flight ends.
 * Every streamed post is metered (two categories): one upsert each, on the same two rows, queued on those
 * rows and their commits and took the stream worker's connections (npm run load, issue 15).
 */
export function coalescingUsageRecorder(
  db: DbOrTx,
  now: () => number,
  onError: (error: unknown, channelId: string) => void,
): (channelId: string, usage: XUsage) => void {
  let pending = new Map<string, Map<XUsage['category'], number>>();
  let writing: Promise<void> | undefined;
  const writeAll = async () => {
    while (pending.size > 0) {
      const batch = pending;
      pending = new Map();
      for (const [channelId, byCategory] of batch) {
        const usages = [...byCategory].map(([category, units]) => ({ operation: 'batch', category, units }));
        await recordUsage(db, channelId, usages, now()).catch((error: unknown) => onError(error, channelId));
      }
    }
    writing = undefined;
  };
  return (channelId, usage) => {
    const byCategory = pending.get(channelId) ?? new Map<XUsage['category'], number>();
    byCategory.set(usage.category, (byCategory.get(usage.category) ?? 0) + usage.units);
    pending.set(channelId, byCategory);
    writing ??= writeAll();
  };
}

export interface SpendSummary {
  todayUsd: number;
  monthUsd: number;
  /** Month-to-date spend extended over the whole month at the same daily rate. */
  projectedMonthUsd: number;
  budgetUsd: number | null;
  /** `tight`: the projection passes the budget; `exhausted`: the month's spend reached it. */
  budgetState: 'ok' | 'tight' | 'exhausted';
  byCategory: { category: string; units: number; usd: number }[];
}

export async function spendSummary(
  db: DbOrTx,
  channelId: string,
  budgetUsd: number | null,
  now: number,
): Promise<SpendSummary> {
  const today = utcDay(now);
  const monthStart = today.slice(0, 8) + '01';
  const rows = await db
    .selectFrom('channel_usage')
    .select(['day', 'category', 'units', 'cost_micros'])
    .where('channel_id', '=', channelId)
    .where('day', '>=', monthStart)
    .execute();
  const categories = new Map<string, { units: number; micros: number }>();
  let monthMicros = 0;
  let todayMicros = 0;
  for (const row of rows) {
    monthMicros += Number(row.cost_micros);
    if (row.day === today) todayMicros += Number(row.cost_micros);
    const entry = categories.get(row.category) ?? { units: 0, micros: 0 };
    entry.units += Number(row.units);
    entry.micros += Number(row.cost_micros);
    categories.set(row.category, entry);
  }
  const date = new Date(now);
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const elapsedDays = (now - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)) / 86_400_000;
  const monthUsd = monthMicros / 1_000_000;
  // Early in the month a few hours say little: project from at least one day of history.
  const projectedMonthUsd = (monthUsd / Math.max(1, elapsedDays)) * daysInMonth;
  const budgetState =
    budgetUsd === null ? 'ok' : monthUsd >= budgetUsd ? 'exhausted' : projectedMonthUsd > budgetUsd ? 'tight' : 'ok';
  return {
    todayUsd: todayMicros / 1_000_000,
    monthUsd,
    projectedMonthUsd: Math.round(projectedMonthUsd * 1_000_000) / 1_000_000,
    budgetUsd,
    budgetState,
    byCategory: [...categories].map(([category, v]) => ({ category, units: v.units, usd: v.micros / 1_000_000 })),
  };
}
