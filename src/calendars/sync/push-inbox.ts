import { createHash } from "node:crypto";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { secretMatches } from "./push-channels.js";
import { requestPushMaintenance } from "./push-task.js";
import { requestCoalescedSync } from "./coalesced-sync.js";
import { requestSync } from "./sync-task.js";

export interface GoogleNotification {
  channelId: string | undefined;
  token: string | undefined;
  resourceId: string | undefined;
  resourceState: string | undefined;
  messageNumber: string | undefined;
}

export interface GraphNotification {
  subscriptionId: string;
  clientState: string | null | undefined;
  changeType?: string | undefined;
  lifecycleEvent?: string | undefined;
  /** the notification as received, to recognise a redelivery */
  raw: unknown;
}

/**
 * `coalesced`: valid and new, but a sync already queued covers it. `replayed`: a notification
 * already acted on (Google: a message number at or below the channel's highest; Graph: the same
 * notification body again).
 */
export type PushVerdict = "queued" | "coalesced" | "replayed" | "ignored" | "rejected" | "unknown_channel";

/** How long a Graph notification is remembered: a subscription to events lives at most ~3 days. */
const RECEIPT_LIFETIME_MS = 3 * 24 * 60 * 60_000;

/**
 * Receives push notifications and only queues work: a sync of the connection, or channel
 * maintenance for Graph lifecycle events. Each notification is checked against its
 * channel's secret; a replayed one is ignored, and a burst for one connection is coalesced
 * into one pending sync (see requestCoalescedSync).
 */
export class PushInbox {
  constructor(private readonly deps: { db: Database; clock: Clock; log: Logger }) {}

  /** Google: the channel id, token and message number arrive as X-Goog-* headers. */
  async google(notification: GoogleNotification): Promise<PushVerdict> {
    if (!notification.channelId) return "rejected";
    const channel = await this.deps.db.pushChannel.findFirst({ where: { externalId: notification.channelId }, orderBy: { createdAt: "desc" } });
    if (!channel) return "unknown_channel";
    if (!secretMatches(notification.token, channel.secretHash)) {
      this.deps.log.warn({ channelId: notification.channelId }, "Google notification with a wrong channel token rejected");
      return "rejected";
    }
    // "sync" is the handshake message sent when a channel opens: there is nothing to fetch.
    if (notification.resourceState === "sync") return "ignored";
    const now = this.deps.clock.now();
    if (channel.stoppedAt || channel.expiresAt <= now) {
      await this.deps.db.$transaction((tx) => requestPushMaintenance(tx, channel.connectionId, `stale:${channel.id}`, now));
      return "ignored";
    }
    // Google numbers a channel's messages in increasing order ("X-Goog-Message-Number"): one at or
    // below the highest already accepted is a redelivery or a replay, and changes nothing.
    const messageNumber = notification.messageNumber !== undefined && /^\d{1,18}$/.test(notification.messageNumber) ? BigInt(notification.messageNumber) : null;
    return this.deps.db.$transaction(async (tx): Promise<PushVerdict> => {
      if (messageNumber !== null) {
        const advanced = await tx.$executeRaw`
          update push_channels set last_message_number = ${messageNumber}
           where id = ${channel.id}::uuid and (last_message_number is null or last_message_number < ${messageNumber})`;
        if (advanced === 0) return "replayed";
      }
      const queued = await requestCoalescedSync(tx, channel.connectionId, `google:${channel.externalId}:${notification.messageNumber ?? now.getTime()}`, now);
      return queued ? "queued" : "coalesced";
    });
  }

  /** Graph: a batch of change or lifecycle notifications, each with its subscription's clientState. */
  async microsoft(notifications: readonly GraphNotification[]): Promise<PushVerdict[]> {
    const now = this.deps.clock.now();
    const verdicts: PushVerdict[] = [];
    for (const notification of notifications) {
      const channel = await this.deps.db.pushChannel.findFirst({ where: { externalId: notification.subscriptionId }, orderBy: { createdAt: "desc" } });
      if (!channel) {
        verdicts.push("unknown_channel");
        continue;
      }
      if (!secretMatches(notification.clientState ?? undefined, channel.secretHash)) {
        this.deps.log.warn({ subscriptionId: notification.subscriptionId }, "Graph notification with a wrong clientState rejected");
        verdicts.push("rejected");
        continue;
      }
      // Graph change notifications carry no id of their own: the notification as sent (subscription,
      // change type, resource, the event's etag, lifecycle event) identifies it, so the same body
      // again is a redelivery or a replay.
      const fingerprint = createHash("sha256").update(JSON.stringify(notification.raw)).digest("hex").slice(0, 32);
      const verdict = await this.deps.db.$transaction(async (tx): Promise<PushVerdict> => {
        const fresh = await tx.$executeRaw`
          insert into push_receipts (channel_id, fingerprint, received_at) values (${channel.id}::uuid, ${fingerprint}, ${now})
          on conflict do nothing`;
        if (fresh === 0) return "replayed";
        await tx.$executeRaw`delete from push_receipts where channel_id = ${channel.id}::uuid and received_at < ${new Date(now.getTime() - RECEIPT_LIFETIME_MS)}`;
        switch (notification.lifecycleEvent) {
          case "reauthorizationRequired":
            await requestPushMaintenance(tx, channel.connectionId, `reauthorize:${fingerprint}`, now, { forceRenew: true });
            break;
          case "subscriptionRemoved":
            await tx.pushChannel.update({ where: { id: channel.id }, data: { stoppedAt: now } });
            await requestPushMaintenance(tx, channel.connectionId, `removed:${fingerprint}`, now);
            await requestSync(tx, channel.connectionId, `graph-removed:${fingerprint}`, now);
            break;
          default:
            // A change, or "missed" (some notifications were dropped): catch up with a sync.
            return (await requestCoalescedSync(tx, channel.connectionId, `graph:${fingerprint}`, now)) ? "queued" : "coalesced";
        }
        return "queued";
      });
      verdicts.push(verdict);
    }
    return verdicts;
  }
}
