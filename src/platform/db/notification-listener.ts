import pg from "pg";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";

export interface ChannelSubscriber {
  onNotification(payload: string | undefined): void;
  /** the connection came back after a loss: notifications may have been missed meanwhile */
  onReconnect?(): void;
}

/**
 * One LISTEN connection per process, shared by every part that waits for NOTIFY (the task
 * runner, the alert stream): one connection instead of one each. Reconnects by itself,
 * backing off to 30 s, for as long as it is open: a database outage can outlast any retry.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, Set<ChannelSubscriber>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private starting: Promise<void> | undefined;

  constructor(private readonly databaseUrl: string, private readonly log: Logger) {}

  /** Subscribes, and LISTENs on the channel if it is new; connects on first use. */
  async subscribe(channel: string, subscriber: ChannelSubscriber): Promise<() => void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    const set = this.channels.get(channel) ?? new Set<ChannelSubscriber>();
    const fresh = set.size === 0;
    set.add(subscriber);
    this.channels.set(channel, set);
    if (!this.client) await (this.starting ??= this.connect().finally(() => (this.starting = undefined)));
    else if (fresh) await this.client.query(`listen ${channel}`);
    return () => {
      set.delete(subscriber);
    };
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("notification", (message) => {
      for (const subscriber of this.channels.get(message.channel) ?? []) subscriber.onNotification(message.payload);
    });
    client.on("error", (error) => {
      this.log.warn({ reason: errorMessage(error) }, "notification connection lost; reconnecting");
      if (this.client === client) this.client = undefined;
      this.reconnect(1000);
    });
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`listen ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private reconnect(delayMs: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.connect().then(
        () => {
          this.log.info("notification connection restored");
          for (const set of this.channels.values()) for (const subscriber of set) subscriber.onReconnect?.();
        },
        (error: unknown) => {
          this.log.debug({ reason: errorMessage(error) }, "notification reconnect failed; trying again");
          this.reconnect(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
