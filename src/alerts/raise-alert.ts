import type { Prisma } from "../platform/index.js";
import { queueAlertDeliveriesPerSettings } from "./delivery/index.js";
import { announceAlerts } from "./alert-stream.js";

export type AlertKind = "late" | "suspected_missed" | "needs_reauth" | "buffer_conflict" | "reminder" | "send_outcome_unknown" | "heads_up";

export interface NewAlert {
  userId: string;
  kind: AlertKind;
  /** the same key never raises a second alert (a restart, a second instance, a replayed webhook) */
  idempotencyKey: string;
  title: string;
  body: string;
  meetingId?: string | null;
  connectionId?: string | null;
  data?: Prisma.InputJsonValue;
}

type Tx = Prisma.TransactionClient;

/**
 * Records an alert once (its idempotency key), queues its delivery on the user's channels
 * and announces it to live dashboards, all in the caller's transaction. Returns whether it
 * was new.
 */
export async function raiseAlert(tx: Tx, alert: NewAlert, now: Date): Promise<boolean> {
  const created = await tx.alert.createManyAndReturn({
    data: [
      {
        userId: alert.userId,
        kind: alert.kind,
        idempotencyKey: alert.idempotencyKey,
        title: alert.title,
        body: alert.body,
        createdAt: now,
        meetingId: alert.meetingId ?? null,
        connectionId: alert.connectionId ?? null,
        ...(alert.data === undefined ? {} : { data: alert.data }),
      },
    ],
    // The unique idempotency key makes a second raise a no-op rather than an error.
    skipDuplicates: true,
    select: { id: true },
  });
  const [row] = created;
  if (!row) return false;
  await queueAlertDeliveriesPerSettings(tx, [{ alertId: row.id, userId: alert.userId, kind: alert.kind }], now);
  await announceAlerts(tx, [{ userId: alert.userId, alertId: row.id }]);
  return true;
}
