import { createHash } from "node:crypto";
import type { Database } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { secretMatches } from "./push-channels.js";
import { requestPushMaintenance } from "./push-task.js";
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

export type PushVerdict = "queued" | "ignored" | "rejected" | "unknown_channel";

/**
 * Receives push notifications and only queues work: a sync of the connection, or channel
 * maintenance for Graph lifecycle events. Each notification is checked against its
 * channel's secret; a repeated delivery maps to the same task key and is queued once.
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
    await this.deps.db.$transaction((tx) => requestSync(tx, channel.connectionId, `google:${channel.externalId}:${notification.messageNumber ?? now.getTime()}`, now));
    return "queued";
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
      const fingerprint = createHash("sha256").update(JSON.stringify(notification.raw)).digest("hex").slice(0, 32);
      await this.deps.db.$transaction(async (tx) => {
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
            await requestSync(tx, channel.connectionId, `graph:${fingerprint}`, now);
        }
      });
      verdicts.push("queued");
    }
    return verdicts;
  }
}
