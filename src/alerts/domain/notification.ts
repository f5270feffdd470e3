import { actionLabel, actionsFor, type AlertAction } from "./alert-actions.js";

/**
 * What a push notification carries (the service worker shows it as is) and what ntfy or the
 * sandbox preview show: title, body, a tag, the actions with their signed links. Pure.
 *
 * Decisions:
 * - The tag names the meeting when there is one, else the alert: a late alert replaces the
 *   nudge for the same meeting and "did you miss it?" replaces both, so a lock screen shows
 *   one card per meeting, the latest question. A second push of one alert (a retry that the
 *   push service had in fact taken) replaces itself rather than stacking. `renotify` makes a
 *   replacement still buzz.
 * - Push services accept 4 KB of encrypted payload (RFC 8030 §7.2 lets them refuse more with
 *   413); the body is cut to fit well under it, and `shortNotification` is what goes after a
 *   413: the title, a line of the body, the tag and the way to the dashboard, no actions.
 */
export interface NotificationAction {
  action: AlertAction;
  title: string;
  /** the signed link the service worker POSTs to; it answers the alert without a session */
  url: string;
}

export interface AlertNotification {
  title: string;
  body: string;
  tag: string;
  renotify: boolean;
  /** where a tap on the notification itself goes (the dashboard, on this alert) */
  url: string;
  actions: NotificationAction[];
  /** ms since the epoch: when the alert was raised (a held alert shows its own time) */
  timestamp: number;
  alertId: string;
}

export interface AlertForNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: unknown;
  meetingId: string | null;
  createdAt: Date;
}

const MAX_TITLE = 120;
const MAX_BODY = 600;
const SHORT_BODY = 120;
/** JSON bytes before encryption; 4096 less the aes128gcm header, padding and tag, with room to spare */
export const MAX_PAYLOAD_BYTES = 3_000;

export function notificationTag(alert: { id: string; meetingId: string | null }): string {
  return alert.meetingId ? `makegood-meeting-${alert.meetingId}` : `makegood-alert-${alert.id}`;
}

export function alertNotification(alert: AlertForNotification, links: { open: string; action: (action: AlertAction) => string }): AlertNotification {
  const notification: AlertNotification = {
    title: cut(oneLine(alert.title) || "Makegood", MAX_TITLE),
    body: cut(alert.body.trim(), MAX_BODY),
    tag: notificationTag(alert),
    renotify: true,
    url: links.open,
    actions: actionsFor(alert).map((action) => ({ action, title: actionLabel(action, alert), url: links.action(action) })),
    timestamp: alert.createdAt.getTime(),
    alertId: alert.id,
  };
  return fitPayload(notification);
}

/** After a 413: the least that still tells the user something and takes them to it. */
export function shortNotification(notification: AlertNotification): AlertNotification {
  return { ...notification, body: cut(oneLine(notification.body), SHORT_BODY), actions: [] };
}

/** The body shortened until the JSON fits MAX_PAYLOAD_BYTES (titles and links are bounded already). */
function fitPayload(notification: AlertNotification): AlertNotification {
  let fitted = notification;
  while (byteLength(JSON.stringify(fitted)) > MAX_PAYLOAD_BYTES && fitted.body.length > SHORT_BODY) {
    fitted = { ...fitted, body: cut(fitted.body, Math.max(SHORT_BODY, Math.floor(fitted.body.length * 0.75))) };
  }
  return byteLength(JSON.stringify(fitted)) > MAX_PAYLOAD_BYTES ? shortNotification(fitted) : fitted;
}

/** What the sandbox shows: the lock screen's view of an alert, without its links. */
export interface NotificationPreview {
  title: string;
  body: string;
  actions: string[];
}

export function notificationPreview(alert: AlertForNotification): NotificationPreview {
  const notification = alertNotification(alert, { open: "", action: () => "" });
  return { title: notification.title, body: notification.body, actions: notification.actions.map((action) => action.title) };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
