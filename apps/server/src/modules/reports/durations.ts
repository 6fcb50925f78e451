import { sql, type RawBuilder } from 'kysely';
import type { DurationStats, ResponseBucket } from '@guichet/contracts';

/**
 * Durations are summarised from a fine histogram computed in the database, so a report never moves one row
 * per case to the server: 6-second buckets below 1 hour, 1-minute buckets below 24 hours, 1-hour buckets
 * beyond. Medians and p90 are interpolated inside their bucket (exact to 6 s under an hour); shares under
 * 15 min and 1 h are exact (the bounds fall on bucket edges); means come from exact sums.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FINE = 6_000;
const HOUR_BUCKETS = HOUR / FINE; // 600
const DAY_BUCKETS = HOUR_BUCKETS + (DAY - HOUR) / MINUTE; // 1980

/** SQL: the bucket number of a duration expression in milliseconds (integer division on both dialects). */
export function bucketOf(duration: RawBuilder<unknown>): RawBuilder<number> {
  // Literals, not parameters: SQLite binds a JavaScript number as a real, which would make the divisions
  // real divisions (one bucket per distinct duration).
  const [fine, minute, hour, day] = [FINE, MINUTE, HOUR, DAY].map((n) => sql.lit(n));
  return sql<number>`case
    when ${duration} < 0 then 0
    when ${duration} < ${hour} then (${duration}) / ${fine}
    when ${duration} < ${day} then ${sql.lit(HOUR_BUCKETS)} + ((${duration}) - ${hour}) / ${minute}
    else ${sql.lit(DAY_BUCKETS)} + ((${duration}) - ${day}) / ${hour} end`;
}

/** The bucket number of a duration computed outside the database (same edges as bucketOf). */
export function bucketOfMs(duration: number): number {
  if (duration < 0) return 0;
  if (duration < HOUR) return Math.floor(duration / FINE);
  if (duration < DAY) return HOUR_BUCKETS + Math.floor((duration - HOUR) / MINUTE);
  return DAY_BUCKETS + Math.floor((duration - DAY) / HOUR);
}

/** [start, end) of a bucket, in ms. */
export function bucketRange(bucket: number): [number, number] {
  if (bucket < HOUR_BUCKETS) return [bucket * FINE, (bucket + 1) * FINE];
  if (bucket < DAY_BUCKETS) {
    const start = HOUR + (bucket - HOUR_BUCKETS) * MINUTE;
    return [start, start + MINUTE];
  }
  const start = DAY + (bucket - DAY_BUCKETS) * HOUR;
  return [start, start + HOUR];
}

/** bucket → count, plus the exact sum of the durations. */
export class Histogram {
  readonly counts = new Map<number, number>();
  sum = 0;

  /** Negative counts take away (a partial day is a stored day less the hours outside the period). */
  add(bucket: number, count: number, sum = 0): void {
    const total = (this.counts.get(bucket) ?? 0) + count;
    if (total === 0) this.counts.delete(bucket);
    else this.counts.set(bucket, total);
    this.sum += sum;
  }

  merge(other: Histogram): void {
    for (const [bucket, count] of other.counts) this.add(bucket, count);
    this.sum += other.sum;
  }

  get total(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }

  /**
   * Linear interpolation between order statistics (numpy's default). The k-th value is placed inside its
   * bucket as if the bucket's values were evenly spread over it.
   */
  quantile(q: number): number | null {
    const n = this.total;
    if (n === 0) return null;
    const sorted = [...this.counts.keys()].sort((a, b) => a - b);
    const valueAt = (k: number): number => {
      let before = 0;
      for (const bucket of sorted) {
        const count = this.counts.get(bucket)!;
        if (k < before + count) {
          const [start, end] = bucketRange(bucket);
          return start + ((k - before + 0.5) / count) * (end - start);
        }
        before += count;
      }
      return bucketRange(sorted[sorted.length - 1]!)[1];
    };
    const target = q * (n - 1);
    const low = Math.floor(target);
    const lowValue = valueAt(low);
    return target === low ? lowValue : lowValue + (target - low) * (valueAt(low + 1) - lowValue);
  }

  /** Share of durations strictly under `ms` (a bucket edge: 15 min, 1 h, 4 h, 24 h…). */
  shareUnder(ms: number): number | null {
    const n = this.total;
    if (n === 0) return null;
    let under = 0;
    for (const [bucket, count] of this.counts) if (bucketRange(bucket)[1] <= ms) under += count;
    return under / n;
  }

  stats(): DurationStats {
    const count = this.total;
    return {
      count,
      medianMs: this.quantile(0.5),
      p90Ms: this.quantile(0.9),
      meanMs: count > 0 ? this.sum / count : null,
      under15m: this.shareUnder(15 * MINUTE),
      under1h: this.shareUnder(HOUR),
    };
  }

  distribution(): { bucket: ResponseBucket; count: number }[] {
    const edges: [ResponseBucket, number][] = [
      ['lt5m', 5 * MINUTE],
      ['lt15m', 15 * MINUTE],
      ['lt1h', HOUR],
      ['lt4h', 4 * HOUR],
      ['lt24h', DAY],
      ['gte24h', Number.POSITIVE_INFINITY],
    ];
    const out = edges.map(([bucket]) => ({ bucket, count: 0 }));
    for (const [bucket, count] of this.counts) {
      const end = bucketRange(bucket)[1];
      const index = edges.findIndex(([, edge]) => end <= edge);
      out[index]!.count += count;
    }
    return out;
  }
}
