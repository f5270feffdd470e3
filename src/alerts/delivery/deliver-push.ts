import type { Database } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { shortNotification, type AlertNotification } from "../domain/index.js";
import { pushToDevice, type PushMessage, type WebPushOptions } from "./web-push.js";

/**
 * The push channel of one alert: every device of the user gets it once. A device's send and
 * its record (web_push_sends) commit together under a lock on the device's row, so a retry of
 * the channel (another device failed, the worker died) skips the devices already pushed, and
 * two workers never push one device twice. The crash window is the webhook's: dying after the
 * push service's 201 but before COMMIT means one more push on the retry, which the
 * notification's tag turns into a replacement on the device, not a second card.
 *
 * Per device: 404/410 deletes the subscription (the browser dropped it); 413 sends the short
 * form once; a retryable failure is kept while the other devices are tried, then thrown (the
 * longest Retry-After wins), so the task's backoff retries only what is left.
 */
export interface PushChannelDependencies {
  db: Database;
  log: Logger;
  webPush: WebPushOptions;
  now: () => Date;
}

export type PushChannelOutcome = { kind: "delivered"; devices: number } | { kind: "no_devices" };

const URGENT = new Set(["late", "nudge", "heads_up"]);

export function pushMessageFor(kind: string, notification: AlertNotification, topic: string): PushMessage {
  return {
    payload: JSON.stringify(notification),
    // "Running late?" is worthless an hour on; a question can wait for a phone that was off.
    ttlSeconds: URGENT.has(kind) ? 60 * 60 : 24 * 60 * 60,
    urgency: URGENT.has(kind) ? "high" : kind === "digest" ? "low" : "normal",
    topic,
  };
}

/** RFC 8030 topics are at most 32 base64url characters: a UUID without its dashes. */
export function pushTopic(alert: { id: string; meetingId: string | null }): string {
  return (alert.meetingId ?? alert.id).replace(/-/g, "");
}

export async function deliverPush(deps: PushChannelDependencies, alert: { id: string; userId: string; kind: string; meetingId: string | null }, notification: AlertNotification): Promise<PushChannelOutcome> {
  const devices = await deps.db.pushSubscription.findMany({
    where: { userId: alert.userId },
    select: { id: true, endpoint: true, p256dh: true, auth: true, sends: { where: { alertId: alert.id }, select: { sentAt: true } } },
    orderBy: { createdAt: "asc" },
  });
  let reached = 0;
  let retryable: AppError | null = null;
  let permanent: AppError | null = null;
  for (const device of devices) {
    if (device.sends.length > 0) {
      reached += 1;
      continue;
    }
    try {
      const outcome = await pushOnce(deps, alert, device, notification);
      if (outcome !== "gone") reached += 1;
      deps.log.info({ subscriptionId: device.id, outcome }, "alert push to a device done");
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError(`Push to a device failed: ${String(error)}`, { code: "push_failed", retryable: true, cause: error });
      deps.log.warn({ subscriptionId: device.id, err: failure }, "alert push to a device failed");
      if (failure.retryable) retryable = longerWait(retryable, failure);
      else permanent ??= failure;
    }
  }
  if (retryable) throw retryable;
  if (permanent) throw permanent;
  return reached > 0 ? { kind: "delivered", devices: reached } : { kind: "no_devices" };
}

function longerWait(kept: AppError | null, next: AppError): AppError {
  if (!kept) return next;
  return (next.retryAfterMs ?? 0) > (kept.retryAfterMs ?? 0) ? next : kept;
}

type Device = { id: string; endpoint: string; p256dh: string; auth: string };

async function pushOnce(deps: PushChannelDependencies, alert: { id: string; kind: string; meetingId: string | null }, device: Device, notification: AlertNotification): Promise<"sent" | "shortened" | "gone" | "already_sent"> {
  const topic = pushTopic(alert);
  return deps.db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`select id from push_subscriptions where id = ${device.id}::uuid for update`;
      if (locked.length === 0) return "gone";
      const done = await tx.webPushSend.findUnique({ where: { alertId_subscriptionId: { alertId: alert.id, subscriptionId: device.id } }, select: { sentAt: true } });
      if (done) return "already_sent";
      let shortened = false;
      let outcome = await pushToDevice(device, pushMessageFor(alert.kind, notification, topic), deps.webPush, deps.now);
      if (outcome.kind === "too_large") {
        shortened = true;
        outcome = await pushToDevice(device, pushMessageFor(alert.kind, shortNotification(notification), topic), deps.webPush, deps.now);
      }
      if (outcome.kind === "too_large") {
        throw new AppError(`The push service at ${new URL(device.endpoint).host} refused even the short form of the notification as too large (HTTP 413)`, { code: "push_rejected" });
      }
      if (outcome.kind === "gone") {
        await tx.pushSubscription.delete({ where: { id: device.id } });
        return "gone";
      }
      const now = deps.now();
      await tx.webPushSend.create({ data: { alertId: alert.id, subscriptionId: device.id, sentAt: now, status: outcome.status, shortened } });
      await tx.pushSubscription.update({ where: { id: device.id }, data: { lastSentAt: now } });
      return shortened ? "shortened" : "sent";
    },
    // A waiting worker may sit out our whole send (two, after a 413) and then find it done.
    { timeout: 3 * deps.webPush.timeoutMs + 10_000, maxWait: 10_000 },
  );
}
