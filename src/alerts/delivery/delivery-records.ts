import { z } from "zod";
import type { Database, Prisma } from "../../platform/index.js";
import type { AlertChannel } from "../../platform/index.js";
import { errorMessage } from "../../platform/index.js";

type Tx = Prisma.TransactionClient;

/** One row per (alert, channel) is the record of that channel's delivery; creating it twice is a no-op. */
export async function ensureDeliveryRow(db: Database | Tx, alertId: string, channel: AlertChannel): Promise<void> {
  await db.alertDelivery.createMany({ data: [{ alertId, channel }], skipDuplicates: true });
}

// Guards below make each transition happen once even when two workers race: a delivery
// that is already delivered or skipped is never touched again.
const OPEN = { notIn: ["delivered", "skipped"] } satisfies Prisma.EnumDeliveryStatusFilter;

export async function markDelivered(tx: Tx, alertId: string, channel: AlertChannel, at: Date): Promise<void> {
  await tx.alertDelivery.updateMany({
    where: { alertId, channel, status: OPEN },
    data: { status: "delivered", attempts: { increment: 1 }, deliveredAt: at, lastError: null },
  });
}

export async function markSkipped(tx: Tx, alertId: string, channel: AlertChannel, reason: string): Promise<void> {
  await tx.alertDelivery.updateMany({ where: { alertId, channel, status: OPEN }, data: { status: "skipped", lastError: reason } });
}

/** A failed attempt: back to pending for the retry, or failed when no retry will come. */
export async function recordFailedAttempt(db: Database, alertId: string, channel: AlertChannel, error: unknown, final: boolean): Promise<void> {
  await db.alertDelivery.updateMany({
    where: { alertId, channel, status: OPEN },
    data: { status: final ? "failed" : "pending", attempts: { increment: 1 }, lastError: errorMessage(error).slice(0, 1000) },
  });
}

/**
 * The delivery task was parked without `run` recording it (its worker kept dying): a row
 * still pending says failed, with the reason. One `run` already marked failed is left as is.
 */
export async function markGivenUp(tx: Prisma.TransactionClient, alertId: string, channel: AlertChannel, reason: string): Promise<void> {
  await tx.alertDelivery.updateMany({ where: { alertId, channel, status: "pending" }, data: { status: "failed", lastError: reason.slice(0, 1000) } });
}

const lockedRow = z.object({ status: z.enum(["pending", "delivered", "failed", "skipped"]) });

/**
 * Sends once for a channel that has no idempotency of its own (a webhook): the delivery
 * row is locked (FOR UPDATE) for the whole send and marked delivered in the same
 * transaction. A concurrent worker waits on the lock and then finds it delivered; a failed
 * send rolls back and the retry sends. The crash window is the same as SmtpMailer's:
 * dying after the receiver's 2xx but before COMMIT means one more post on the retry.
 */
export async function sendOnceLocked(
  db: Database,
  input: { alertId: string; channel: AlertChannel; now: () => Date; timeoutMs: number },
  send: () => Promise<unknown>,
): Promise<"sent" | "already_done"> {
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<unknown[]>`
        select status::text as status from alert_deliveries
         where alert_id = ${input.alertId}::uuid and channel = ${input.channel}::"AlertChannel"
           for update`;
      const row = rows[0] === undefined ? undefined : lockedRow.parse(rows[0]);
      if (!row || row.status === "delivered" || row.status === "skipped") return "already_done";
      await send();
      await markDelivered(tx, input.alertId, input.channel, input.now());
      return "sent";
    },
    // A waiting worker may sit out our whole send and then make its own.
    { timeout: 2 * input.timeoutMs + 10_000, maxWait: 10_000 },
  );
}
