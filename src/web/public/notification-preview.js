// The sandbox's lock-screen preview (issue 15): what a phone shows for an alert pushed to it
// (Web Push or ntfy), drawn from the notification the server builds (alert.notification), with
// its answer buttons. The buttons here are pictures: on a phone each one answers the alert.
import { html } from "./ui.js";

export function NotificationPreview({ alert }) {
  const notification = alert.notification;
  if (!notification) return null;
  const id = `preview-${alert.id}`;
  return html`<details class="lock-preview" open=${alert.status === "open"}>
    <summary>On your lock screen <span class="sandbox-tag">Sandbox preview</span></summary>
    <div class="lock-screen" role="img" aria-labelledby=${id}>
      <div class="notification-card" id=${id} aria-label=${`Notification: ${notification.title}. ${notification.body}${notification.actions.length ? ` Buttons: ${notification.actions.join(", ")}.` : ""}`}>
        <p class="notification-app"><img src="/app/icons/icon-192.png" alt="" width="16" height="16" /> Makegood · now</p>
        <p class="notification-title">${notification.title}</p>
        <p class="notification-body">${notification.body}</p>
        ${notification.actions.length > 0 && html`<p class="notification-actions">${notification.actions.map((label) => html`<span class="notification-action">${label}</span>`)}</p>`}
      </div>
    </div>
  </details>`;
}
