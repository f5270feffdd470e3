import pg from "pg";
import type { Prisma } from "../platform/index.js";
import { errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import type { NotificationListener } from "../platform/index.js";

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
 * reaches a browser connected to any other. It listens on the process's one LISTEN
 * connection (NotificationListener), shared with the task runner, which reconnects.
 */
export class AlertStream {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly notifications: NotificationListener) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.notifications.subscribe(ALERTS_CHANNEL, {
      onNotification: (payload) => {
        const [userId, alertId] = (payload ?? "").split(":");
        if (!userId || !alertId) return;
        const event: StreamEvent = alertId === RESET ? { type: "reset" } : { type: "alert", alertId };
        for (const listener of this.listeners.get(userId) ?? []) listener(event);
      },
    });
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
    this.unsubscribe?.();
  }
}
