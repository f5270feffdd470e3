import pg from "pg";
import type { Prisma } from "../platform/index.js";
import { errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";

export const ALERTS_CHANNEL = "makegood_alerts";

/** Announces new or changed alerts to every instance (delivered on commit, like the alert rows), in one statement. */
export async function announceAlerts(tx: Prisma.TransactionClient, alerts: ReadonlyArray<{ userId: string; alertId: string }>): Promise<void> {
  if (alerts.length === 0) return;
  const payloads = alerts.map((alert) => `${alert.userId}:${alert.alertId}`);
  await tx.$executeRaw`select pg_notify(${ALERTS_CHANNEL}, payload) from unnest(${payloads}::text[]) as payload`;
}

/** Said instead of an alert id when everything the user's pages show was replaced (the sandbox started over). */
const RESET = "reset";

/** Tells every open page of the user to drop what it shows and load again (on commit). */
export async function announceReset(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  await tx.$executeRaw`select pg_notify(${ALERTS_CHANNEL}, ${`${userId}:${RESET}`})`;
}

export type StreamEvent = { type: "alert"; alertId: string } | { type: "reset" };
type Listener = (event: StreamEvent) => void;

/**
 * Fans alert announcements out to this instance's live dashboards (server-sent events).
 * Announcements travel through PostgreSQL NOTIFY, so an alert raised by any instance
 * reaches a browser connected to any other.
 */
export class AlertStream {
  private client: pg.Client | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;
  private reconnecting = false;

  constructor(private readonly databaseUrl: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("notification", (message) => {
      const [userId, alertId] = (message.payload ?? "").split(":");
      if (!userId || !alertId) return;
      const event: StreamEvent = alertId === RESET ? { type: "reset" } : { type: "alert", alertId };
      for (const listener of this.listeners.get(userId) ?? []) listener(event);
    });
    client.on("error", (error) => {
      this.log.warn({ reason: errorMessage(error) }, "alert stream connection lost; reconnecting");
      this.client = undefined;
      this.reconnect(1000);
    });
    await client.connect();
    await client.query(`listen ${ALERTS_CHANNEL}`);
    this.client = client;
  }

  /** Keeps trying (backing off to 30 s) until the database answers again: one failed try must not end the stream for good. */
  private reconnect(delayMs: number): void {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    setTimeout(() => {
      this.reconnecting = false;
      if (this.closed) return;
      this.start().then(
        () => this.log.info("alert stream connection restored"),
        (error: unknown) => {
          this.log.debug({ reason: errorMessage(error) }, "alert stream reconnect failed; trying again");
          this.reconnect(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs).unref();
  }

  subscribe(userId: string, listener: Listener): () => void {
    const set = this.listeners.get(userId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
