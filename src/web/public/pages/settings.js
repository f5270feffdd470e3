// Settings: detection, recovery, working hours, alert channels. The server validates; its
// message is shown next to the field it names.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api.js";
import { wallClock } from "../format.js";
import { html, Loading, Problem, useResource } from "../ui.js";

const DAYS = [[1, "Mon"], [2, "Tue"], [3, "Wed"], [4, "Thu"], [5, "Fri"], [6, "Sat"], [7, "Sun"]];
const CHANNELS = [["email", "Email"], ["feed", "In-app feed (always on)"], ["webhook", "Webhook (Slack-compatible)"]];
/** Every alert is a row of the feed, so the dashboard shows it whatever is ticked: the box says so and cannot be unticked. */
const withFeed = (channels) => (channels.includes("feed") ? channels : [...channels, "feed"].sort());
/** Whether any alert leaves the dashboard. */
const reachesYou = (channels) => channels.includes("email") || channels.includes("webhook");
/** Fields this form shows a message beside; the server's other messages go to the top. */
const FIELDS = new Set(["timeZone", "lateGraceMinutes", "settleMinutes", "autoConfirmMinutes", "checkInPrompt", "nudgeMinutes", "nudgeChannels", "lateAlertsWithoutSignal",
  "bufferMinutes", "giftDelayHours", "workingHours.days", "workingHours.start", "workingHours.end", "workingHours", "autoSendLateNotice", "sendVia", "alertChannels", "webhookUrl"]);
const CHECK_IN_PROMPTS = [
  ["digest", "One summary at the end of my working day"],
  ["each", "Ask me after each one"],
  ["never", "Don't ask"],
];
const ZONES = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function SettingsPage({ headingRef, onProfileChanged }) {
  const [state, reload] = useResource(() => api.get("/api/settings"), []);
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Settings</h1>
    ${state.status === "loading" && html`<${Loading} what="settings" />`}
    ${!state.data && state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
    ${state.data && html`<${SettingsForm} saved=${state.data} onSaved=${onProfileChanged} />`}
  `;
}

const toForm = (s) => ({
  ...s,
  lateGraceMinutes: String(s.lateGraceMinutes),
  settleMinutes: String(s.settleMinutes),
  autoConfirmMinutes: s.autoConfirmMinutes === null ? "" : String(s.autoConfirmMinutes),
  bufferMinutes: String(s.bufferMinutes),
  giftDelayHours: String(Math.round((s.giftDelayMinutes / 60) * 10) / 10),
  nudgeMinutes: String(s.nudgeMinutes),
  webhookUrl: s.webhookUrl ?? "",
  alertChannels: withFeed(s.alertChannels),
  nudgeChannels: withFeed(s.nudgeChannels),
});

/** Numbers as the user typed them: what is not a number goes to the server as is, which says so. */
const number = (text) => (text.trim() === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text);

function fromForm(f) {
  const giftHours = number(f.giftDelayHours);
  return {
    timeZone: f.timeZone.trim(),
    lateGraceMinutes: number(f.lateGraceMinutes),
    settleMinutes: number(f.settleMinutes),
    autoConfirmMinutes: number(f.autoConfirmMinutes),
    bufferMinutes: number(f.bufferMinutes),
    giftDelayMinutes: typeof giftHours === "number" ? Math.round(giftHours * 60) : giftHours,
    workingHours: f.workingHours,
    autoSendLateNotice: f.autoSendLateNotice,
    alertChannels: withFeed(f.alertChannels),
    webhookUrl: f.webhookUrl.trim() === "" ? null : f.webhookUrl.trim(),
    sendVia: f.sendVia,
    checkInPrompt: f.checkInPrompt,
    lateAlertsWithoutSignal: f.lateAlertsWithoutSignal,
    nudgeMinutes: number(f.nudgeMinutes),
    nudgeChannels: withFeed(f.nudgeChannels),
  };
}

function SettingsForm({ saved, onSaved }) {
  const [form, setForm] = useState(() => toForm(saved));
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState({ busy: false, message: "" });
  useEffect(() => setForm(toForm(saved)), [saved]);

  const set = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  const setHours = (key, value) => setForm((f) => ({ ...f, workingHours: { ...f.workingHours, [key]: value } }));
  const toggle = (list, value, on) => (on ? [...list.filter((v) => v !== value), value].sort() : list.filter((v) => v !== value));

  const submit = async (event) => {
    event.preventDefault();
    setStatus({ busy: true, message: "" });
    try {
      const next = await api.put("/api/settings", fromForm(form));
      setForm(toForm(next));
      setErrors({});
      setStatus({ busy: false, message: reachesYou(next.alertChannels) ? "Settings saved." : "Settings saved. Alerts will show only here on the dashboard." });
      onSaved?.();
    } catch (error) {
      const fieldErrors = error instanceof ApiError && error.status === 400 ? error.fieldErrors() : { "": error.message };
      // The form asks for hours; the API names minutes.
      if (fieldErrors.giftDelayMinutes) fieldErrors.giftDelayHours = "Gift reminder after must be a number of hours from 0 to 168 (one week).";
      delete fieldErrors.giftDelayMinutes;
      // A message for a field this form does not show still has to be seen.
      for (const key of Object.keys(fieldErrors)) {
        if (key === "" || FIELDS.has(key)) continue;
        fieldErrors[""] = [fieldErrors[""], fieldErrors[key]].filter(Boolean).join(" ");
        delete fieldErrors[key];
      }
      setErrors(fieldErrors);
      setStatus({ busy: false, message: "" });
      // Take the keyboard to the first field that needs attention.
      const first = Object.keys(fieldErrors).find((key) => key !== "");
      if (first) document.getElementById("setting-" + first.replace(".", "-"))?.focus();
    }
  };

  /** A field's error, tied to its input by aria-describedby. */
  const error = (key) => errors[key] && html`<p class="field-error" id=${"error-" + key.replace(".", "-")}>${errors[key]}</p>`;
  const described = (key, hint) => [errors[key] ? "error-" + key.replace(".", "-") : null, hint].filter(Boolean).join(" ") || undefined;
  const invalid = (key) => (errors[key] ? "true" : undefined);

  const numberField = (key, label, hint, extra = {}) => html`<div class="field">
    <label for=${"setting-" + key}>${label}</label>
    <input id=${"setting-" + key} name=${key} type="number" inputmode="numeric" value=${form[key]} onInput=${(e) => set(key, e.currentTarget.value)}
      aria-invalid=${invalid(key)} aria-describedby=${described(key, "hint-" + key)} ...${extra} />
    <p class="hint" id=${"hint-" + key}>${hint}</p>
    ${error(key)}
  </div>`;

  return html`<form class="settings" novalidate onSubmit=${submit}>
    ${errors[""] && html`<p class="problem" role="alert">${errors[""]}</p>`}
    ${Object.keys(errors).length > 0 && !errors[""] && html`<p class="problem" role="alert">Some settings need a change; see the messages below.</p>`}

    <fieldset class="card">
      <legend>Detection</legend>
      <div class="field">
        <label for="setting-timeZone">Time zone</label>
        <input id="setting-timeZone" name="timeZone" type="text" list="zones" autocomplete="off" value=${form.timeZone} onInput=${(e) => set("timeZone", e.currentTarget.value)}
          aria-invalid=${invalid("timeZone")} aria-describedby=${described("timeZone", "hint-timeZone")} />
        <datalist id="zones">${ZONES.map((zone) => html`<option value=${zone} />`)}</datalist>
        <p class="hint" id="hint-timeZone">An IANA zone such as Europe/Berlin. Times on the dashboard and in drafts use it.</p>
        ${error("timeZone")}
      </div>
      ${numberField("lateGraceMinutes", "Grace minutes", "How long after the start, with no sign of you, before the \u201crunning late?\u201d alert.")}
      ${numberField("settleMinutes", "Settle window (minutes)", "How long after the end to wait for conference data before asking whether you missed it.")}
      ${numberField("autoConfirmMinutes", "Confirm a miss on its own after (minutes)", "Only when the conference shows the others joined and you did not. Leave empty to always ask.")}
    </fieldset>

    <fieldset class="card">
      <legend>Meetings we can't see</legend>
      <p class="hint">In person, by phone, or on a video link we can't read (Zoom, or Teams without your presence status): we can't see whether you joined, so we ask you instead. Each meeting on Today says whether we can see it.</p>
      <div class="field">
        <span class="label" id="checkInPrompt-label">When you didn't tap I'm here</span>
        <div class="radios" role="radiogroup" aria-labelledby="checkInPrompt-label" aria-describedby=${described("checkInPrompt", "hint-checkInPrompt")}>
          ${CHECK_IN_PROMPTS.map(([value, label], index) => html`<label class="inline-check"><input type="radio" name="checkInPrompt" id=${index === 0 ? "setting-checkInPrompt" : undefined} value=${value}
            checked=${form.checkInPrompt === value} onChange=${() => set("checkInPrompt", value)} /> ${label}</label>`)}
        </div>
        <p class="hint" id="hint-checkInPrompt">The summary comes at the end of your working hours (${wallClock(form.workingHours.end || "17:00")}, set under Recovery). We never count one as missed unless you tell us so.</p>
        ${error("checkInPrompt")}
      </div>
      ${numberField("nudgeMinutes", "Remind me before they start (minutes)", "With I'm here and \u201cTell them I'm N minutes late\u201d. 0 for no reminder; at most 60.", { min: "0", max: "60" })}
      <div class="field">
        <span class="label" id="nudge-channels-label">Send those reminders by</span>
        <div class="checks" role="group" aria-labelledby="nudge-channels-label" aria-describedby=${described("nudgeChannels")}>
          ${CHANNELS.map(([value, label]) => html`<label class="inline-check"><input type="checkbox" id=${value === "email" ? "setting-nudgeChannels" : undefined} checked=${value === "feed" || form.nudgeChannels.includes(value)}
            disabled=${value === "feed"} onChange=${(e) => set("nudgeChannels", toggle(form.nudgeChannels, value, e.currentTarget.checked))} /> ${label}</label>`)}
        </div>
        ${error("nudgeChannels")}
      </div>
      <div class="field">
        <label class="inline-check"><input type="checkbox" id="setting-lateAlertsWithoutSignal" checked=${form.lateAlertsWithoutSignal} onChange=${(e) => set("lateAlertsWithoutSignal", e.currentTarget.checked)}
          aria-describedby=${described("lateAlertsWithoutSignal", "hint-lateAlertsWithoutSignal")} /> Ask \u201cRunning late?\u201d for these too</label>
        <p class="hint" id="hint-lateAlertsWithoutSignal">After the grace minutes, unless you tapped I'm here. We can't see you arrive, so it may ask when you are already there.</p>
        ${error("lateAlertsWithoutSignal")}
      </div>
    </fieldset>

    <fieldset class="card">
      <legend>Recovery</legend>
      ${numberField("bufferMinutes", "Buffer before a rescheduled meeting (minutes)", "Between 30 and 45.")}
      ${numberField("giftDelayHours", "Gift reminder after (hours)", "How long after you confirm a miss to suggest a small gift.", { step: "0.5" })}
      <div class="field">
        <span class="label" id="wh-label">Working hours</span>
        <fieldset class="days" aria-labelledby="wh-label" aria-describedby=${described("workingHours.days")}>
          ${DAYS.map(([value, label]) => html`<label class="day"><input type="checkbox" id=${value === 1 ? "setting-workingHours-days" : undefined} checked=${form.workingHours.days.includes(value)}
            onChange=${(e) => setHours("days", toggle(form.workingHours.days, value, e.currentTarget.checked))} /> ${label}</label>`)}
        </fieldset>
        ${error("workingHours.days")}
        <div class="time-pair">
          <label for="setting-workingHours-start">From</label>
          <input id="setting-workingHours-start" type="time" value=${form.workingHours.start} onInput=${(e) => setHours("start", e.currentTarget.value)} aria-invalid=${invalid("workingHours.start")} aria-describedby=${described("workingHours.start")} />
          <label for="setting-workingHours-end">to</label>
          <input id="setting-workingHours-end" type="time" value=${form.workingHours.end} onInput=${(e) => setHours("end", e.currentTarget.value)} aria-invalid=${invalid("workingHours.end")} aria-describedby=${described("workingHours.end")} />
        </div>
        ${error("workingHours.start")}${error("workingHours.end")}${error("workingHours")}
        <p class="hint">Proposed new times are taken from your free time within these hours.</p>
      </div>
      <div class="field">
        <label class="inline-check"><input type="checkbox" id="setting-autoSendLateNotice" checked=${form.autoSendLateNotice} onChange=${(e) => set("autoSendLateNotice", e.currentTarget.checked)} /> Send late notices at once, without asking me</label>
        ${error("autoSendLateNotice")}
      </div>
      <div class="field">
        <label for="setting-sendVia">Send approved emails</label>
        <select id="setting-sendVia" value=${form.sendVia} onChange=${(e) => set("sendVia", e.currentTarget.value)} aria-describedby="hint-sendVia">
          <option value="mailbox">from my own mailbox</option>
          <option value="smtp">over this server's SMTP</option>
        </select>
        <p class="hint" id="hint-sendVia">Your own mailbox is the Gmail or Outlook account whose calendar you connected, so replies come back to you.</p>
        ${error("sendVia")}
      </div>
    </fieldset>

    <fieldset class="card">
      <legend>Alerts</legend>
      <div class="field">
        <span class="label" id="channels-label">Alert me by</span>
        <div class="checks" role="group" aria-labelledby="channels-label" aria-describedby=${[described("alertChannels"), reachesYou(form.alertChannels) ? null : "warning-alertChannels"].filter(Boolean).join(" ") || undefined}>
          ${CHANNELS.map(([value, label]) => html`<label class="inline-check"><input type="checkbox" id=${value === "email" ? "setting-alertChannels" : undefined} checked=${value === "feed" || form.alertChannels.includes(value)}
            disabled=${value === "feed"} onChange=${(e) => set("alertChannels", toggle(form.alertChannels, value, e.currentTarget.checked))} /> ${label}</label>`)}
        </div>
        ${!reachesYou(form.alertChannels) && html`<p class="field-warning" id="warning-alertChannels" role="status">With email and webhook off, alerts show only here on the dashboard: you will learn of a late or missed meeting only while Makegood is open.</p>`}
        ${error("alertChannels")}
      </div>
      <div class="field">
        <label for="setting-webhookUrl">Webhook URL</label>
        <input id="setting-webhookUrl" type="url" inputmode="url" placeholder="https://hooks.slack.com/services/…" value=${form.webhookUrl} onInput=${(e) => set("webhookUrl", e.currentTarget.value)}
          aria-invalid=${invalid("webhookUrl")} aria-describedby=${described("webhookUrl", "hint-webhookUrl")} />
        <p class="hint" id="hint-webhookUrl">Receives Slack-compatible JSON for each alert when the webhook channel is on.</p>
        ${error("webhookUrl")}
      </div>
    </fieldset>

    <div class="form-foot">
      <button type="submit" disabled=${status.busy}>${status.busy ? "Saving…" : "Save settings"}</button>
      <p class="action-status" role="status" aria-live="polite">${status.message}</p>
    </div>
  </form>`;
}
