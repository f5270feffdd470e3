// The alerts feed: newest first, live (the shell merges alerts that arrive over SSE).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { day, time, timeRange } from "../format.js";
import { AlertOutcome, AlertMeta, mergeAlerts, STATUS_TAGS, useAlerts } from "../alert-state.js";
import { rememberAnswer, useAnswers, useMeetingsById } from "../check-ins.js";
import { LateForm } from "../late-form.js";
import { NotificationPreview } from "../notification-preview.js";
import { ActionStatus, Empty, html, Loading, Problem, useAction } from "../ui.js";

export { AlertMeta };

export const KIND_LABELS = {
  late: "Running late",
  suspected_missed: "Missed?",
  needs_reauth: "Calendar access",
  buffer_conflict: "Buffer conflict",
  reminder: "Reminder",
  send_outcome_unknown: "Sending",
  nudge: "Starting soon",
  heads_up: "Heads-up",
  digest: "Day summary",
};

const EMAIL_ACTIONS = {
  late: { kinds: ["late", "nudge"], control: "minutes" },
  confirm: { kinds: ["suspected_missed"], control: "missed" },
  deny: { kinds: ["suspected_missed"], control: "attended" },
  all_attended: { kinds: ["digest"], control: "all" },
};

const UNSETTLED = new Set(["upcoming", "in_progress", "late"]);

/**
 * Whether an open alert still asks something of the user (for "Needs your attention"): a nudge
 * only until its meeting is checked in, settled or over; a digest while any meeting it lists is
 * unanswered. Answered, resolved and withdrawn alerts ask nothing (the server says so).
 */
export function isOpenQuestion(alert, meetings, known, nowMs) {
  if (alert.status !== "open") return false;
  if (alert.kind === "late" || alert.kind === "suspected_missed") return true;
  if (alert.kind === "nudge") {
    const meeting = known(meetings?.get(alert.meetingId));
    if (!meeting) return meetings === undefined;
    return UNSETTLED.has(meeting.state) && !meeting.checkedInAt && nowMs < Date.parse(meeting.end);
  }
  if (alert.kind === "digest") {
    if (!meetings) return true;
    const listed = alert.meetingIds.map((id) => known(meetings.get(id)));
    return listed.some((meeting) => !meeting || meeting.state === "suspected_missed");
  }
  return false;
}

export function AlertsPage({ profile, refreshKey, refresh, now, liveAlerts, headingRef, fromEmail }) {
  const [showResolved, setShowResolved] = useState(false);
  // Answered alerts stay in the feed, collapsed to what was done; resolved and withdrawn ones on request.
  const [state, reload] = useAlerts("limit=100&includeWithdrawn=true", refreshKey);
  const meetings = useMeetingsById(refreshKey, now);
  const zone = profile.timeZone;

  const alerts = mergeAlerts(state.data, liveAlerts)?.filter((alert) => showResolved || alert.status === "open" || alert.status === "answered");
  const wanted = fromEmail && EMAIL_ACTIONS[fromEmail.action ?? ""];
  const target =
    fromEmail &&
    alerts?.find((a) => a.status === "open" && (fromEmail.alertId ? a.id === fromEmail.alertId : a.meetingId === fromEmail.meetingId) && (!wanted || wanted.kinds.includes(a.kind)));
  // Take the keyboard to the answer the email offered, once the alert is on screen.
  useEffect(() => {
    if (!target) return;
    const control = document.getElementById(`answer-${target.id}-${wanted?.control ?? "first"}`) ?? document.getElementById(`alert-${target.id}`);
    control?.scrollIntoView({ block: "center" });
    control?.focus();
  }, [target?.id]);
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Alerts</h1>
    <p class="muted">New alerts and answers appear here as they happen, on every page you have open, without reloading.</p>
    <label class="inline-check"><input type="checkbox" checked=${showResolved} onChange=${(e) => setShowResolved(e.currentTarget.checked)} /> Show resolved alerts</label>
    ${state.status === "loading" && html`<${Loading} what="alerts" />`}
    ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${fromEmail && alerts && html`<p class="notice" role="status">${target ? "From your email: answer below." : "The alert from your email has already been answered (or no longer applies)."}</p>`}
    ${alerts && (alerts.length === 0
      ? html`<${Empty} title="No alerts.">When you are running late for a meeting or seem to have missed one, it shows up here, by email and on your webhook, as you chose in Settings.</${Empty}>`
      : html`<ul class="alerts" aria-label="Alerts feed" aria-live="polite" aria-relevant="additions">
          ${alerts.map((alert) => html`<li key=${alert.id} id=${"alert-" + alert.id} tabindex="-1" data-status=${alert.status} class=${"alert alert-" + alert.kind + (alert.status !== "open" ? " withdrawn alert-" + alert.status : "") + (alert === target ? " highlight" : "")}>
            <p class="alert-kind">${KIND_LABELS[alert.kind] ?? "Alert"}${STATUS_TAGS[alert.status] ?? ""}</p>
            <p class="alert-title">${alert.title}</p>
            ${alert.status === "open" && !(alert.kind === "digest" && meetings) && html`<p class="alert-body">${alert.body}</p>`}
            <${AlertMeta} alert=${alert} zone=${zone} now=${now} extra=${deliveries(alert)} />
            <${AlertAnswer} alert=${alert} onDone=${refresh} meetings=${meetings} zone=${zone} now=${now} />
            ${profile.sandbox && html`<${NotificationPreview} alert=${alert} />`}
          </li>`)}
        </ul>`)}
  `;
}

function deliveries(alert) {
  const sent = alert.deliveries.filter((d) => d.channel !== "feed" && d.status === "delivered").map((d) => d.channel);
  const failed = alert.deliveries.filter((d) => d.status === "failed").map((d) => d.channel);
  return (sent.length ? ` · sent by ${sent.join(" and ")}` : "") + (failed.length ? ` · ${failed.join(" and ")} delivery failed` : "");
}

/** The digest's first line ("We couldn't see these 2 meetings, and you didn't check in:"): the list itself is drawn below it. */
const digestIntro = (body) => body.split("\n")[0];

/**
 * An open alert's answers, or what an answered one collapsed to (a digest keeps its list, each
 * meeting with its answer); no buttons are left on an answered card but Undo.
 */
export function AlertAnswer({ alert, onDone, meetings, zone, now }) {
  if (alert.status === "open") return html`<${AlertActions} alert=${alert} onDone=${onDone} meetings=${meetings} zone=${zone} now=${now} />`;
  if (alert.kind === "digest" && alert.status === "answered" && meetings) return html`<${DigestActions} alert=${alert} onDone=${onDone} meetings=${meetings} zone=${zone} />`;
  return html`<${AlertOutcome} alert=${alert} zone=${zone} now=${now} onDone=${onDone} />`;
}

/** What the user can answer to an alert, each a JSON API call. */
export function AlertActions({ alert, onDone, meetings, zone, now }) {
  if (alert.kind === "nudge" && alert.meetingId) return html`<${NudgeActions} alert=${alert} onDone=${onDone} meetings=${meetings} zone=${zone} now=${now} />`;
  if (alert.kind === "digest") return html`<${DigestActions} alert=${alert} onDone=${onDone} meetings=${meetings} zone=${zone} />`;
  return html`<${QuestionActions} alert=${alert} onDone=${onDone} />`;
}

function QuestionActions({ alert, onDone }) {
  const [state, run] = useAction(onDone);
  const meeting = alert.meetingId;

  if (alert.kind === "late" && meeting) {
    return html`<div class="actions">
      <button type="button" id=${`answer-${alert.id}-first`} disabled=${state.busy} onClick=${() => run(() => api.post(`/api/meetings/${meeting}/attended`), "Checked in: marked as attended.")}>I'm here</button>
      <${LateForm} alert=${alert} meetingId=${meeting} run=${run} busy=${state.busy} />
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

/**
 * A few minutes before a meeting we cannot see: "I'm here", or warn them with a realistic time.
 * Once checked in, the card says so instead of offering the buttons again.
 */
function NudgeActions({ alert, onDone, meetings, zone, now }) {
  const known = useAnswers();
  const [checkIn, runCheckIn] = useAction(onDone);
  const [late, runLate] = useAction(onDone);
  const meeting = known(meetings?.get(alert.meetingId));
  const title = meeting?.title || "the meeting";
  if (meeting?.checkedInAt) {
    return html`<div class="actions answered-actions">
      <p class="answered" id=${`answer-${alert.id}-done`}><span aria-hidden="true">✓</span> Checked in at ${time(meeting.checkedInAt, zone)}.</p>
    </div>`;
  }
  if (meeting && (!UNSETTLED.has(meeting.state) || now() >= Date.parse(meeting.end))) {
    return html`<p class="muted">${meeting.state === "attended" ? "Marked as attended." : "This meeting is over: nothing to answer here."}</p>`;
  }
  const hereNow = () =>
    runCheckIn(async () => {
      const result = await api.post(`/api/meetings/${alert.meetingId}/attended`);
      if (meeting) rememberAnswer(meeting, { state: result.state, checkedInAt: new Date(now()).toISOString() });
      return result;
    }, `Checked in to ${title}.`);
  return html`<div class="actions">
    <button type="button" id=${`answer-${alert.id}-first`} disabled=${checkIn.busy} onClick=${hereNow}>I'm here</button>
    <${LateForm} alert=${alert} meetingId=${alert.meetingId} run=${runLate} busy=${late.busy} />
    <${ActionStatus} state=${{ ...checkIn, message: undefined }} />
    <${ActionStatus} state=${{ ...late, message: undefined }} />
  </div>`;
}

const ITEM_STATES = {
  attended: { symbol: "✓", text: "You were there" },
  missed: { symbol: "✗", text: "Missed: your recovery plan is under Recovery" },
  excused: { symbol: "–", text: "Cancelled or declined" },
};

/**
 * End of the working day: the meetings we could not see, each with its time in the user's
 * zone and "I missed this one"; "I was at all of them" answers the rest in one tap.
 */
function DigestActions({ alert, onDone, meetings, zone }) {
  const known = useAnswers();
  const [all, runAll] = useAction(onDone);
  const items = alert.meetingIds.map((id) => known(meetings?.get(id)) ?? { id, missing: true });
  const pending = items.filter((item) => item.missing || item.state === "suspected_missed");
  const answeredSome = pending.length < items.length;
  const allLabel = !answeredSome ? (items.length === 1 ? "I was there" : "I was at all of them") : pending.length === 1 ? "I was at the other one" : `I was at the other ${pending.length}`;
  const allAttended = () =>
    runAll(async () => {
      const result = await api.post(`/api/alerts/${alert.id}/all-attended`);
      for (const answered of result.meetings) {
        const meeting = meetings?.get(answered.id);
        if (meeting) rememberAnswer(meeting, { state: answered.state });
      }
      return result;
    }, answeredSome ? "Thanks: the others are marked as attended." : "Thanks: marked as attended.");
  return html`<div class="digest">
    ${meetings && html`<p class="digest-intro">${digestIntro(alert.body)}</p>`}
    ${meetings && html`<ul class="digest-items">
      ${items.map((item) => html`<${DigestItem} key=${item.id} alert=${alert} item=${item} zone=${zone} onDone=${onDone} />`)}
    </ul>`}
    <div class="actions">
      ${pending.length > 0
        ? html`<button type="button" id=${`answer-${alert.id}-all`} disabled=${all.busy} onClick=${allAttended}>${allLabel}</button>`
        : html`<p class="answered" id=${`answer-${alert.id}-done`}><span aria-hidden="true">✓</span> All answered. Thank you.</p>`}
      <${ActionStatus} state=${{ ...all, message: undefined }} />
    </div>
  </div>`;
}

function DigestItem({ alert, item, zone, onDone }) {
  const [state, run] = useAction(onDone);
  if (item.missing) return html`<li class="digest-item"><span class="muted">A meeting from more than a week ago</span></li>`;
  const title = item.title || "(no title)";
  const missed = () =>
    run(async () => {
      const result = await api.post(`/api/meetings/${item.id}/confirm`, { missed: true });
      rememberAnswer(item, { state: result.state });
      return result;
    }, `Recorded: you missed ${title}. Your recovery plan is being prepared under Recovery.`);
  // A mistaken "I missed this one" is taken back here too (the server refuses, in words, once anything was sent).
  const undo = () =>
    run(async () => {
      const result = await api.post(`/api/meetings/${item.id}/undo`);
      rememberAnswer(item, { state: result.state });
      return result;
    }, `Undone: ${title} asks again.`);
  const settled = ITEM_STATES[item.state];
  return html`<li class=${"digest-item" + (settled ? " digest-item-" + item.state : "")}>
    <span class="digest-what"><span class="meeting-title">${title}</span> <span class="muted">${day(item.start, zone)}, ${timeRange(item.start, item.end, zone)}</span></span>
    ${item.state === "suspected_missed"
      ? html`<button type="button" class="secondary small-button" disabled=${state.busy} onClick=${missed} aria-label=${`I missed this one: ${title}`}>I missed this one</button>`
      : settled
        ? html`<span class=${item.state === "attended" ? "answered" : "answered-other"}><span aria-hidden="true">${settled.symbol}</span> ${item.state === "missed" ? html`Missed: your recovery plan is under <a href="#/recovery">Recovery</a>` : settled.text}</span>
          ${item.state === "missed" && html`<button type="button" class="secondary small-button" disabled=${state.busy} onClick=${undo} aria-label=${`Undo: ${title}`} title="Take this answer back: the meeting asks again">Undo</button>`}`
        : null}
    <${ActionStatus} state=${{ ...state, message: undefined }} />
  </li>`;
}
