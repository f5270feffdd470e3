// The alerts feed: newest first, live (the shell merges alerts that arrive over SSE).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { dateTime, relative } from "../format.js";
import { ActionStatus, Empty, html, Loading, Problem, useAction, useResource } from "../ui.js";

const KIND_LABELS = {
  late: "Running late",
  suspected_missed: "Missed?",
  needs_reauth: "Calendar access",
  buffer_conflict: "Buffer conflict",
  reminder: "Reminder",
  send_outcome_unknown: "Sending",
};

const EMAIL_ACTIONS = { late: { kind: "late", control: "minutes" }, confirm: { kind: "suspected_missed", control: "missed" }, deny: { kind: "suspected_missed", control: "attended" } };

export function AlertsPage({ profile, refreshKey, refresh, now, liveAlerts, headingRef, fromEmail }) {
  const [showResolved, setShowResolved] = useState(false);
  const [state, reload] = useResource(() => api.get(`/api/alerts?limit=100&includeWithdrawn=${showResolved}`), [refreshKey, showResolved]);
  const zone = profile.timeZone;

  const alerts = mergeLive(state.data?.alerts, liveAlerts, showResolved);
  const wanted = fromEmail && EMAIL_ACTIONS[fromEmail.action ?? ""];
  const target = fromEmail && alerts?.find((a) => a.meetingId === fromEmail.meetingId && !a.withdrawn && (!wanted || a.kind === wanted.kind));
  // Take the keyboard to the answer the email offered, once the alert is on screen.
  useEffect(() => {
    if (!target) return;
    const control = document.getElementById(`answer-${target.id}-${wanted?.control ?? "first"}`) ?? document.getElementById(`alert-${target.id}`);
    control?.scrollIntoView({ block: "center" });
    control?.focus();
  }, [target?.id]);
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Alerts</h1>
    <p class="muted">New alerts appear here as they happen, without reloading the page.</p>
    <label class="inline-check"><input type="checkbox" checked=${showResolved} onChange=${(e) => setShowResolved(e.currentTarget.checked)} /> Show resolved alerts</label>
    ${state.status === "loading" && html`<${Loading} what="alerts" />`}
    ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${fromEmail && alerts && html`<p class="notice" role="status">${target ? "From your email: answer below." : "The alert from your email has already been answered (or no longer applies)."}</p>`}
    ${alerts && (alerts.length === 0
      ? html`<${Empty} title="No alerts.">When you are running late for a meeting or seem to have missed one, it shows up here, by email and on your webhook, as you chose in Settings.</${Empty}>`
      : html`<ul class="alerts" aria-label="Alerts feed" aria-live="polite" aria-relevant="additions">
          ${alerts.map((alert) => html`<li key=${alert.id} id=${"alert-" + alert.id} tabindex="-1" class=${"alert alert-" + alert.kind + (alert.withdrawn ? " withdrawn" : "") + (alert === target ? " highlight" : "")}>
            <p class="alert-kind">${KIND_LABELS[alert.kind] ?? alert.kind}${alert.withdrawn ? " · resolved" : ""}</p>
            <p class="alert-title">${alert.title}</p>
            <p class="alert-body">${alert.body}</p>
            <p class="muted"><time datetime=${alert.createdAt}>${dateTime(alert.createdAt, zone)}</time> · ${relative(alert.createdAt, now())}${deliveries(alert)}</p>
            ${!alert.withdrawn && html`<${AlertActions} alert=${alert} onDone=${refresh} />`}
          </li>`)}
        </ul>`)}
  `;
}

/** Alerts from the last load plus those announced since, newest first, each once. */
function mergeLive(loaded, live, includeWithdrawn) {
  if (!loaded) return undefined;
  const byId = new Map(loaded.map((alert) => [alert.id, alert]));
  for (const alert of live) if (!byId.has(alert.id) && (includeWithdrawn || !alert.withdrawn)) byId.set(alert.id, alert);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function deliveries(alert) {
  const sent = alert.deliveries.filter((d) => d.channel !== "feed" && d.status === "delivered").map((d) => d.channel);
  const failed = alert.deliveries.filter((d) => d.status === "failed").map((d) => d.channel);
  return (sent.length ? ` · sent by ${sent.join(" and ")}` : "") + (failed.length ? ` · ${failed.join(" and ")} delivery failed` : "");
}

/** What the user can answer to an alert, each a JSON API call. */
export function AlertActions({ alert, onDone }) {
  const [state, run] = useAction(onDone);
  const [minutes, setMinutes] = useState(10);
  const meeting = alert.meetingId;

  if (alert.kind === "late" && meeting) {
    return html`<div class="actions">
      <button type="button" id=${`answer-${alert.id}-first`} disabled=${state.busy} onClick=${() => run(() => api.post(`/api/meetings/${meeting}/attended`), "Checked in: marked as attended.")}>I'm here</button>
      <form class="late-form" onSubmit=${(event) => {
        event.preventDefault();
        run(() => api.post(`/api/meetings/${meeting}/running-late`, { minutes: Number(minutes) }), (draft) => (draft.status === "pending" ? "Late notice drafted: approve it in Drafts." : "Late notice approved and on its way."));
      }}>
        <label>Tell them I'm <input type="number" id=${`answer-${alert.id}-minutes`} inputmode="numeric" min="1" max="240" value=${minutes} onInput=${(e) => setMinutes(e.currentTarget.value)} /> minutes late</label>
        <button type="submit" disabled=${state.busy}>Tell them</button>
      </form>
      <${ActionStatus} state=${state} />
    </div>`;
  }
  if (alert.kind === "suspected_missed" && meeting) {
    return html`<div class="actions">
      <button type="button" id=${`answer-${alert.id}-missed`} class="danger" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/meetings/${meeting}/confirm`, { missed: true }), "Recorded as missed: your recovery plan is being prepared under Recovery.")}>Yes, I missed it</button>
      <button type="button" id=${`answer-${alert.id}-attended`} class="secondary" disabled=${state.busy} onClick=${() => run(() => api.post(`/api/meetings/${meeting}/confirm`, { missed: false }), "Marked as attended.")}>I was there</button>
      <${ActionStatus} state=${state} />
    </div>`;
  }
  if (alert.kind === "needs_reauth") return html`<div class="actions"><a class="button" href="#/">See your calendars to reconnect</a></div>`;
  if (alert.kind === "buffer_conflict" || alert.kind === "reminder") return html`<div class="actions"><a class="button secondary" href="#/recovery">Open recovery</a></div>`;
  if (alert.kind === "send_outcome_unknown") return html`<div class="actions"><a class="button secondary" href="#/drafts">Open drafts</a></div>`;
  return null;
}
