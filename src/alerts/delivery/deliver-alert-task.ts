import type { Metrics } from "../../platform/index.js";
import { z } from "zod";
import type { Database, Prisma } from "../../platform/index.js";
import type { AlertChannel } from "../../platform/index.js";
import type { Clock } from "../../platform/index.js";
import { AppError } from "../../platform/index.js";
import type { Logger } from "../../platform/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask, type TaskContext, type Tx } from "../../tasks/index.js";
import type { TokenSealer } from "../../platform/index.js";
import type { AlertActionLinks } from "../action-links.js";
import { actionExpiry, alertNotification, channelsForKind, deliveryDueAt, readChannelsByKind, type AlertNotification, type Channel } from "../domain/index.js";
import { renderAlertEmail, renderAlertSlack, type AlertMessageInput } from "./alert-message.js";
import { deliverPush } from "./deliver-push.js";
import { publishToNtfy } from "./ntfy.js";
import type { WebPushOptions } from "./web-push.js";
import { ensureDeliveryRow, markDelivered, markGivenUp, markSkipped, recordFailedAttempt, sendOnceLocked } from "./delivery-records.js";
import { messageIdFor, type Mailer } from "./mailer.js";
import { sendSlackWebhook, type WebhookOptions } from "./webhook.js";

export const DELIVER_ALERT_TASK = "deliver_alert";

// Alerts are worth most in the minutes after they are raised ("running late?"), so their
// delivery goes ahead of syncs (10) and detection rechecks (20) when workers are busy.
const DELIVERY_PRIORITY = 30;

/** Channels delivered by a task; the feed needs none (the alert row is the feed entry). */
const taskChannel = z.enum(["email", "webhook", "push", "ntfy"]);
type TaskChannel = z.infer<typeof taskChannel>;

/** The schema's default for users without a settings row. */
const DEFAULT_CHANNELS: readonly AlertChannel[] = ["email", "feed"];

/**
 * Records how a new alert reaches the user, inside the transaction that raised it: one
 * AlertDelivery row per channel (the feed's delivered at once) and one `deliver_alert`
 * task per other channel. Safe to call twice for one alert. Returns how many tasks are new.
 */
export async function queueAlertDeliveries(tx: Tx, input: { alertId: string; userId: string; channels: readonly AlertChannel[] }, now: Date): Promise<number> {
  return queueDeliveryBatch(tx, [input], now);
}

interface QueuedAlert {
  alertId: string;
  userId: string;
  channels: readonly AlertChannel[];
  /** when a channel may deliver (quiet hours hold some); now when absent */
  dueAt?: (channel: AlertChannel) => Date;
}

/** Two statements for any number of alerts: the delivery rows, then the delivery tasks. */
async function queueDeliveryBatch(tx: Tx, inputs: ReadonlyArray<QueuedAlert>, now: Date): Promise<number> {
  const pairs = inputs.flatMap((input) => [...new Set(input.channels)].map((channel) => ({ alertId: input.alertId, userId: input.userId, channel, dueAt: input.dueAt?.(channel) ?? now })));
  if (pairs.length === 0) return 0;
  // One set-based statement: Prisma's createMany of a few thousand rows (a tick where many
  // meetings turn late at once) cost seconds.
  await tx.$executeRaw`
    insert into alert_deliveries (id, alert_id, channel, status, attempts, delivered_at)
    select gen_random_uuid(), pair.alert_id, pair.channel::"AlertChannel",
           (case when pair.channel = 'feed' then 'delivered' else 'pending' end)::"DeliveryStatus",
           case when pair.channel = 'feed' then 1 else 0 end,
           case when pair.channel = 'feed' then ${now}::timestamptz end
      from unnest(${pairs.map((pair) => pair.alertId)}::uuid[], ${pairs.map((pair) => pair.channel)}::text[]) as pair(alert_id, channel)
    on conflict (alert_id, channel) do nothing`;
  return enqueueTasks(
    tx,
    pairs.flatMap(({ alertId, userId, channel, dueAt }) => {
      const parsed = taskChannel.safeParse(channel);
      if (!parsed.success) return [];
      return [{ kind: DELIVER_ALERT_TASK, payload: { alertId, channel: parsed.data }, idempotencyKey: `deliver:${alertId}:${parsed.data}`, dueAt, priority: DELIVERY_PRIORITY, userId }];
    }),
  );
}

const settingsForRouting = { userId: true, alertChannels: true, nudgeChannels: true, channelsByKind: true, quietHoursStart: true, quietHoursEnd: true, timeZone: true } satisfies Prisma.SettingsSelect;
type RoutingSettings = Prisma.SettingsGetPayload<{ select: typeof settingsForRouting }>;

/** Where an alert of this kind goes for this user (defaults without a settings row). */
function routeFor(row: Omit<RoutingSettings, "userId"> | null | undefined, kind: string): readonly AlertChannel[] {
  const alertChannels = row?.alertChannels ?? DEFAULT_CHANNELS;
  const channelsByKind = readChannelsByKind(row?.channelsByKind, { alertChannels, nudgeChannels: row?.nudgeChannels ?? DEFAULT_NUDGE_CHANNELS });
  return channelsForKind(kind, { alertChannels, channelsByKind });
}

/** Nudges and heads-ups matter for minutes: the feed (and a phone) by default, not email. */
const DEFAULT_NUDGE_CHANNELS: readonly Channel[] = ["feed"];
const DEFAULT_QUIET = { start: "22:00", end: "07:00" };

/**
 * `queueAlertDeliveries` for a batch of alerts, on each user's chosen channels for the alert's
 * kind; push and ntfy wait for the end of the user's quiet hours when the kind can wait
 * (domain/quiet-hours.ts).
 */
export async function queueAlertDeliveriesPerSettings(tx: Tx, alerts: ReadonlyArray<{ alertId: string; userId: string; kind?: string }>, now: Date): Promise<number> {
  if (alerts.length === 0) return 0;
  const settings = await tx.settings.findMany({ where: { userId: { in: [...new Set(alerts.map((alert) => alert.userId))] } }, select: settingsForRouting });
  const byUser = new Map(settings.map((row) => [row.userId, row]));
  return queueDeliveryBatch(
    tx,
    alerts.map((alert) => {
      const row = byUser.get(alert.userId);
      const kind = alert.kind ?? "reminder";
      const quiet = row ? (row.quietHoursStart && row.quietHoursEnd ? { start: row.quietHoursStart, end: row.quietHoursEnd } : null) : DEFAULT_QUIET;
      return { ...alert, channels: routeFor(row, kind), dueAt: (channel: AlertChannel) => deliveryDueAt({ kind, channel, quiet, timeZone: row?.timeZone ?? "UTC", now }) };
    }),
    now,
  );
}

export interface DeliverAlertDependencies {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  /** the dashboard's address: links, and the Message-ID's domain */
  publicUrl: string;
  /** SMTP_FROM */
  mailFrom: string;
  webhook: WebhookOptions;
  /** signs the answers a notification offers */
  actionLinks: AlertActionLinks;
  /** Web Push with our VAPID key; null: push is off (no key), push deliveries are skipped */
  webPush: WebPushOptions | null;
  /** opens the user's ntfy access token */
  sealer: TokenSealer;
  metrics?: Pick<Metrics, "alertDelivery">;
}

/** The context a sealed ntfy token is bound to (it cannot be opened as another kind of secret). */
export const NTFY_TOKEN_CONTEXT = "settings:ntfy-token";

const alertInclude = {
  user: { select: { email: true, settings: { select: { timeZone: true, alertChannels: true, nudgeChannels: true, channelsByKind: true, quietHoursStart: true, quietHoursEnd: true, webhookUrl: true, ntfyUrl: true, ntfyTokenSealed: true } } } },
  meeting: { select: { title: true, start: true, end: true } },
} satisfies Prisma.AlertInclude;

type LoadedAlert = Prisma.AlertGetPayload<{ include: typeof alertInclude }>;

/**
 * Delivers one alert on one channel. Safe to run twice and concurrently: a delivered or
 * skipped channel is left alone, the email goes through the mailer's idempotency key and
 * the webhook is posted under a lock on its delivery row (delivery-records.ts).
 */
export function deliverAlertTask(deps: DeliverAlertDependencies) {
  return defineTask({
    kind: DELIVER_ALERT_TASK,
    payload: z.object({ alertId: z.uuid(), channel: taskChannel }),
    async run({ alertId, channel }, context) {
      const log = context.log.child({ alertId, channel });
      const alert = await deps.db.alert.findUnique({ where: { id: alertId }, include: alertInclude });
      if (!alert) {
        log.info("alert is gone; nothing to deliver");
        return;
      }
      await ensureDeliveryRow(deps.db, alertId, channel);
      const delivery = await deps.db.alertDelivery.findUnique({ where: { alertId_channel: { alertId, channel } }, select: { status: true } });
      if (delivery?.status === "delivered" || delivery?.status === "skipped") {
        log.debug({ status: delivery.status }, "alert delivery already settled");
        return;
      }
      const skip = await skipReason(deps, alert, channel);
      if (skip) {
        await context.finish((tx) => markSkipped(tx, alertId, channel, skip));
        log.info({ reason: skip }, "alert delivery skipped");
        deps.metrics?.alertDelivery(channel, "skipped");
        return;
      }
      const input: AlertMessageInput = { alert, meeting: alert.meeting, timeZone: alert.user.settings?.timeZone ?? "UTC", publicUrl: deps.publicUrl };
      try {
        if (channel === "email") await sendEmail(deps, alert, input, log);
        else if (channel === "webhook") await postWebhook(deps, alert, input, log);
        else if (channel === "ntfy") await publishNtfy(deps, alert, log);
        else {
          const pushed = await deliverPush({ db: deps.db, log, webPush: deps.webPush!, now: () => deps.clock.now() }, alert, notificationOf(deps, alert));
          if (pushed.kind === "no_devices") {
            const reason = "Every subscribed device had unsubscribed or expired";
            await context.finish((tx) => markSkipped(tx, alertId, channel, reason));
            log.info({ reason }, "alert delivery skipped");
            deps.metrics?.alertDelivery(channel, "skipped");
            return;
          }
        }
      } catch (error) {
        // The runner parks the task on a permanent error or its last attempt; the delivery
        // record says the same, with the reason the user can read.
        const final = (error instanceof AppError && !error.retryable) || context.task.attempts >= context.task.maxAttempts;
        await recordFailedAttempt(deps.db, alertId, channel, error, final).catch((recordError: unknown) =>
          log.warn({ err: recordError }, "could not record a failed alert delivery attempt"),
        );
        deps.metrics?.alertDelivery(channel, final ? "failed" : "retry");
        throw error;
      }
      await finishDelivered(context, deps, alertId, channel);
      deps.metrics?.alertDelivery(channel, "delivered");
    },
    // Parked for good, whatever the reason (its worker kept dying, so `run` never got to
    // record it): the delivery row says failed, with the reason, rather than pending forever.
    async gaveUp({ alertId, channel }, { tx, lastError }) {
      await markGivenUp(tx, alertId, channel, lastError);
    },
  });
}

const CHANNEL_NAMES: Record<TaskChannel, string> = { email: "Email", webhook: "Webhook", push: "Push", ntfy: "ntfy" };

async function skipReason(deps: DeliverAlertDependencies, alert: LoadedAlert, channel: TaskChannel): Promise<string | null> {
  const settings = alert.user.settings;
  if (alert.withdrawnAt) return "The alert was withdrawn before it was delivered";
  if (settings && !routeFor(settings, alert.kind).includes(channel)) return `${CHANNEL_NAMES[channel]} alerts of this kind were switched off in the settings`;
  if (channel === "webhook" && !settings?.webhookUrl) return "No webhook URL is set in the settings";
  if (channel === "ntfy" && !settings?.ntfyUrl) return "No ntfy topic is set in the settings";
  if (channel === "email" && !alert.user.email) return "The user has no email address";
  if (channel === "push") {
    if (!deps.webPush) return "Web Push is off on this server (no VAPID key)";
    const devices = await deps.db.pushSubscription.count({ where: { userId: alert.userId } });
    if (devices === 0) return "No device is subscribed to push notifications";
  }
  return null;
}

/** The notification every lock-screen channel shows: the alert, its answers as signed links. */
function notificationOf(deps: DeliverAlertDependencies, alert: LoadedAlert): AlertNotification {
  return alertNotification(alert, {
    open: `${deps.publicUrl}/?alert=${alert.id}`,
    action: (action) => deps.actionLinks.url({ alertId: alert.id, userId: alert.userId, action, expiresAt: actionExpiry(action, { createdAt: alert.createdAt, meetingEnd: alert.meeting?.end ?? null }) }),
  });
}

async function publishNtfy(deps: DeliverAlertDependencies, alert: LoadedAlert, log: Logger): Promise<void> {
  const settings = alert.user.settings;
  const target = { topicUrl: settings?.ntfyUrl ?? "", token: settings?.ntfyTokenSealed ? deps.sealer.open(settings.ntfyTokenSealed, NTFY_TOKEN_CONTEXT) : null };
  const outcome = await sendOnceLocked(deps.db, { alertId: alert.id, channel: "ntfy", now: () => deps.clock.now(), timeoutMs: deps.webhook.timeoutMs }, () =>
    publishToNtfy(target, alert.kind, notificationOf(deps, alert), deps.webhook, () => deps.clock.now()),
  );
  log.info({ outcome }, "alert ntfy delivery done");
}

async function sendEmail(deps: DeliverAlertDependencies, alert: LoadedAlert, input: AlertMessageInput, log: Logger): Promise<void> {
  const content = renderAlertEmail(input);
  const idempotencyKey = `alert:${alert.id}:email`;
  const sent = await deps.mailer.send({
    userId: alert.userId,
    idempotencyKey,
    messageId: messageIdFor(idempotencyKey, deps.publicUrl),
    from: deps.mailFrom,
    to: [alert.user.email],
    subject: content.subject,
    text: content.text,
    html: content.html,
    // RFC 3834: an automatic message; out-of-office replies should not answer it.
    headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" },
  });
  log.info({ transport: sent.transport, messageId: sent.messageId }, "alert email handed over");
}

async function postWebhook(deps: DeliverAlertDependencies, alert: LoadedAlert, input: AlertMessageInput, log: Logger): Promise<void> {
  // skipReason has made sure there is a URL; it holds a secret and is never logged.
  const url = alert.user.settings?.webhookUrl ?? "";
  const outcome = await sendOnceLocked(deps.db, { alertId: alert.id, channel: "webhook", now: () => deps.clock.now(), timeoutMs: deps.webhook.timeoutMs }, () =>
    sendSlackWebhook(url, renderAlertSlack({ ...input, answers: notificationOf(deps, alert).actions }), deps.webhook),
  );
  log.info({ outcome }, "alert webhook delivery done");
}

async function finishDelivered(context: TaskContext, deps: DeliverAlertDependencies, alertId: string, channel: TaskChannel): Promise<void> {
  // The webhook's and ntfy's records committed with their send; the email's and push's (whose
  // devices each have their own record) commit with the task.
  await context.finish(channel === "email" || channel === "push" ? (tx) => markDelivered(tx, alertId, channel, deps.clock.now()) : undefined);
}
