import type { Prisma } from "../db/client.js";

export type AlertKind = "late" | "suspected_missed" | "needs_reauth" | "buffer_conflict" | "reminder" | "send_outcome_unknown";

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

type Tx = Pick<Prisma.TransactionClient, "alert">;

/**
 * Records an alert once. Returns whether it is new; delivery to the user's channels is
 * queued by the caller's task (the alert row is the source of truth for the feed).
 */
export async function raiseAlert(tx: Tx, alert: NewAlert): Promise<boolean> {
  const { count } = await tx.alert.createMany({
    data: [
      {
        userId: alert.userId,
        kind: alert.kind,
        idempotencyKey: alert.idempotencyKey,
        title: alert.title,
        body: alert.body,
        meetingId: alert.meetingId ?? null,
        connectionId: alert.connectionId ?? null,
        ...(alert.data === undefined ? {} : { data: alert.data }),
      },
    ],
    // The unique idempotency key makes a second raise a no-op rather than an error.
    skipDuplicates: true,
  });
  return count === 1;
}
