/**
 * Fault switches for reliability tests. Each switch is consumed per matching request; none of them ever
 * touches sandbox state except `ackLost`, which deliberately lets a write through and loses the answer.
 *
 * `endpoint` narrows a switch to one route: `'POST /2/tweets'` (method and path pattern, the same keys as
 * rate limits) or a bare pattern `'/2/tweets'` for every method.
 */

export interface SandboxFaults {
  /** The next `count` matching requests get the documented 429 (with exhausted rate-limit headers). */
  rateLimitBurst?: { count: number; endpoint?: string } | undefined;
  /** 5xx before the request is applied: the next `count` matching requests, or each with probability `rate`. */
  serverError?: { status?: 500 | 502 | 503 | 504; count?: number; rate?: number; endpoint?: string } | undefined;
  /** Added latency before every matching answer. */
  latency?: { ms: number; endpoint?: string } | undefined;
  /** Cut the next `count` (default 1) stream connections after `afterItems` posts (0 = at once). */
  dropStream?: { afterItems?: number; count?: number } | undefined;
  /** The next `count` matching answers are cut mid-JSON or sent as text/html. */
  malformed?: { count: number; kind: 'truncated-json' | 'wrong-content-type'; endpoint?: string } | undefined;
  /** The next `count` matching writes are applied, then answered 503 (the response was "lost"). */
  ackLost?: { count: number; endpoint?: string } | undefined;
}

function matches(endpoint: string | undefined, routeKey: string): boolean {
  if (endpoint === undefined) return true;
  if (endpoint === routeKey) return true;
  return routeKey.slice(routeKey.indexOf(' ') + 1) === endpoint;
}

export class FaultSwitches {
  private faults: SandboxFaults = {};

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the switches named in `faults` (pass `undefined` for one to turn it off); others stay. */
  set(faults: SandboxFaults): void {
    this.faults = { ...this.faults, ...structuredClone(faults) };
  }

  clear(): void {
    this.faults = {};
  }

  current(): SandboxFaults {
    return structuredClone(this.faults);
  }

  private takeCount<K extends 'rateLimitBurst' | 'malformed' | 'ackLost'>(key: K, routeKey: string): SandboxFaults[K] {
    const f = this.faults[key];
    if (!f || f.count <= 0 || !matches(f.endpoint, routeKey)) return undefined;
    const taken = { ...f };
    f.count--;
    if (f.count <= 0) this.faults[key] = undefined;
    return taken as SandboxFaults[K];
  }

  latencyMs(routeKey: string): number {
    const l = this.faults.latency;
    return l && matches(l.endpoint, routeKey) ? Math.max(0, l.ms) : 0;
  }

  takeRateLimit(routeKey: string): boolean {
    return this.takeCount('rateLimitBurst', routeKey) !== undefined;
  }

  takeServerError(routeKey: string): number | undefined {
    const f = this.faults.serverError;
    if (!f || !matches(f.endpoint, routeKey)) return undefined;
    const status = f.status ?? 503;
    if (f.count !== undefined && f.count > 0) {
      f.count--;
      if (f.count <= 0 && f.rate === undefined) this.faults.serverError = undefined;
      return status;
    }
    if (f.rate !== undefined && this.random() < f.rate) return status;
    return undefined;
  }

  takeMalformed(routeKey: string): 'truncated-json' | 'wrong-content-type' | undefined {
    return this.takeCount('malformed', routeKey)?.kind;
  }

  takeAckLost(routeKey: string): boolean {
    return this.takeCount('ackLost', routeKey) !== undefined;
  }

  /** For a new stream connection: after how many posts to cut it, or undefined to leave it alone. */
  takeStreamDrop(): number | undefined {
    const f = this.faults.dropStream;
    if (!f) return undefined;
    const remaining = (f.count ?? 1) - 1;
    if (remaining <= 0) this.faults.dropStream = undefined;
    else f.count = remaining;
    return Math.max(0, f.afterItems ?? 0);
  }
}
