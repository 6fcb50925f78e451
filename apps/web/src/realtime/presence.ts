import { presenceTtlMs, type PresenceState } from '@guichet/contracts';

export interface PresenceEntry {
  agentId: string;
  name: string;
  state: Exclude<PresenceState, 'left'>;
  /** Local time when last heard, for expiry (browser and server clocks may differ). */
  seenAt: number;
}

/**
 * Who is on which case, from `presence` events: the latest state per agent and case, forgotten after a
 * `left` or `presenceTtlMs` of silence (a closed laptop sends no goodbye).
 */
export class PresenceStore {
  private readonly byCase = new Map<string, Map<string, PresenceEntry>>();
  private readonly listeners = new Set<() => void>();
  private readonly snapshots = new Map<string, PresenceEntry[]>();

  constructor(private readonly now: () => number = Date.now) {}

  apply(event: { caseId: string; agent: { id: string; name: string }; state: PresenceState }): void {
    const agents = this.byCase.get(event.caseId) ?? new Map<string, PresenceEntry>();
    if (event.state === 'left') agents.delete(event.agent.id);
    else
      agents.set(event.agent.id, {
        agentId: event.agent.id,
        name: event.agent.name,
        state: event.state,
        seenAt: this.now(),
      });
    this.byCase.set(event.caseId, agents);
    this.changed(event.caseId);
  }

  /** Drops entries not refreshed in time; call it on a timer. */
  expire(): void {
    const cutoff = this.now() - presenceTtlMs;
    for (const [caseId, agents] of this.byCase) {
      let removed = false;
      for (const [agentId, entry] of agents) {
        if (entry.seenAt < cutoff) {
          agents.delete(agentId);
          removed = true;
        }
      }
      if (removed) this.changed(caseId);
    }
  }

  /** Other agents on the case, by name; the same array until something changes (for useSyncExternalStore). */
  others(caseId: string, selfId: string | undefined): PresenceEntry[] {
    const key = `${caseId}|${selfId ?? ''}`;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const list = [...(this.byCase.get(caseId)?.values() ?? [])]
      .filter((entry) => entry.agentId !== selfId)
      .sort((a, b) => a.name.localeCompare(b.name));
    this.snapshots.set(key, list);
    return list;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(caseId: string): void {
    for (const key of [...this.snapshots.keys()]) if (key.startsWith(`${caseId}|`)) this.snapshots.delete(key);
    for (const listener of this.listeners) listener();
  }
}
