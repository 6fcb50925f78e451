import { EventEmitter } from 'node:events';
import type { RealtimeEvent } from '@guichet/contracts';

export type RealtimeListener = (event: RealtimeEvent) => void;

/**
 * Messages between the desk's own processes, never sent to a browser: `session.revoked` names sessions that
 * ended (sign-out, password change, revocation) or an agent whose every session ended (deactivation), so
 * whichever web process holds their sockets closes them.
 */
export type RealtimeControl = {
  type: 'session.revoked';
  sessionIds?: string[];
  agentId?: string;
};
export type RealtimeControlListener = (message: RealtimeControl) => void;

/**
 * Says what changed to whoever watches a workspace: in this process (InProcessRealtimeBus), or in every
 * process of the desk through Redis (RedisRealtimeBus, chosen when REDIS_URL is set).
 */
export interface RealtimeBus {
  publish(workspaceId: string, event: RealtimeEvent): void;
  subscribe(workspaceId: string, listener: RealtimeListener): () => void;
  publishControl(message: RealtimeControl): void;
  subscribeControl(listener: RealtimeControlListener): () => void;
  /** Drivers holding connections release them when the desk stops. */
  close?(): Promise<void>;
}

// Workspace ids are ULID-like strings: this key can never be one.
const CONTROL = Symbol('control');

export class InProcessRealtimeBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(workspaceId: string, event: RealtimeEvent): void {
    this.emitter.emit(workspaceId, event);
  }

  subscribe(workspaceId: string, listener: RealtimeListener): () => void {
    this.emitter.on(workspaceId, listener);
    return () => this.emitter.off(workspaceId, listener);
  }

  publishControl(message: RealtimeControl): void {
    this.emitter.emit(CONTROL, message);
  }

  subscribeControl(listener: RealtimeControlListener): () => void {
    this.emitter.on(CONTROL, listener);
    return () => this.emitter.off(CONTROL, listener);
  }
}
