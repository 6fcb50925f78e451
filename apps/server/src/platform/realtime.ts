import { EventEmitter } from 'node:events';
import type { RealtimeEvent } from '@guichet/contracts';

export type RealtimeListener = (event: RealtimeEvent) => void;

/** Says what changed to whoever watches a workspace. The Redis driver (scale-out) will share this shape. */
export interface RealtimeBus {
  publish(workspaceId: string, event: RealtimeEvent): void;
  subscribe(workspaceId: string, listener: RealtimeListener): () => void;
}

export class InProcessRealtimeBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(workspaceId: string, event: RealtimeEvent): void {
    this.emitter.emit(workspaceId, event);
  }

  subscribe(workspaceId: string, listener: RealtimeListener): () => void {
    this.emitter.on(workspaceId, listener);
    return () => this.emitter.off(workspaceId, listener);
  }
}
