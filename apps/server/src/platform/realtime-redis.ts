import { EventEmitter } from 'node:events';
import type { RealtimeEvent } from '@guichet/contracts';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StartupError } from './errors.ts';
import type { RealtimeBus, RealtimeControl, RealtimeControlListener, RealtimeListener } from './realtime.ts';
import { redactUrl } from './config.ts';

/**
 * The bus of a desk spread over several processes: every publish goes through Redis pub/sub, and each
 * process hands what it hears to its own listeners (its sockets). Nothing is delivered locally first, so a
 * process sees its own events once, in the order Redis relays them. Presence and typing are realtime events
 * like the others: they cross processes here, and browsers keep each agent's state until it expires.
 *
 * One channel per workspace (`<prefix>ws:<id>`) and one control channel (`<prefix>control`) for messages
 * between the desk's processes; the prefix lets several desks share one Redis.
 */
export class RedisRealtimeBus implements RealtimeBus {
  private readonly local = new EventEmitter().setMaxListeners(0);

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, text: string) => this.deliver(channel, text));
    subscriber.on('pmessage', (_pattern: string, channel: string, text: string) => this.deliver(channel, text));
  }

  /** Connects both clients (publishing and subscribing) before the desk starts, so a wrong URL stops it. */
  static async connect(url: string, prefix: string, logger: Logger): Promise<RedisRealtimeBus> {
    const options = { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 5_000 };
    const publisher = new Redis(url, options);
    const subscriber = new Redis(url, options);
    // ioredis reconnects by itself; errors while it does are logged, not thrown at the process.
    for (const client of [publisher, subscriber]) {
      client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error (reconnecting)'));
    }
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new StartupError(`Cannot reach Redis at REDIS_URL ${redactUrl(url)}: ${(error as Error).message}.`, {
        cause: error,
      });
    }
    const bus = new RedisRealtimeBus(publisher, subscriber, prefix, logger);
    // Subscribed once, before any socket exists: a socket never misses an event published just after it
    // opened, as it could while a per-workspace subscription was still on its way. A desk has few workspaces.
    await subscriber.subscribe(bus.controlChannel);
    await subscriber.psubscribe(`${prefix}ws:*`);
    return bus;
  }

  private get controlChannel(): string {
    return `${this.prefix}control`;
  }

  private workspaceChannel(workspaceId: string): string {
    return `${this.prefix}ws:${workspaceId}`;
  }

  private deliver(channel: string, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.logger.warn({ channel }, 'unreadable realtime message from Redis ignored');
      return;
    }
    if (channel === this.controlChannel) this.local.emit(CONTROL, message);
    else this.local.emit(channel, message);
  }

  private send(channel: string, message: unknown): void {
    this.publisher
      .publish(channel, JSON.stringify(message))
      .catch((error: unknown) => this.logger.warn({ err: error, channel }, 'could not publish a realtime message'));
  }

  publish(workspaceId: string, event: RealtimeEvent): void {
    this.send(this.workspaceChannel(workspaceId), event);
  }

  subscribe(workspaceId: string, listener: RealtimeListener): () => void {
    const channel = this.workspaceChannel(workspaceId);
    this.local.on(channel, listener);
    return () => this.local.off(channel, listener);
  }

  publishControl(message: RealtimeControl): void {
    this.send(this.controlChannel, message);
  }

  subscribeControl(listener: RealtimeControlListener): () => void {
    this.local.on(CONTROL, listener);
    return () => this.local.off(CONTROL, listener);
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

const CONTROL = Symbol('control');
