// Settings: detection, recovery, working hours, alert channels. The server validates; its
// message is shown next to the field it names.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api.js";
import { wallClock } from "../format.js";
import { html, Loading, Problem, useResource } from "../ui.js";
import { PushDevice } from "../push-device.js";

const DAYS = [[1, "Mon"], [2, "Tue"], [3, "Wed"], [4, "Thu"], [5, "Fri"], [6, "Sat"], [7, "Sun"]];
/** Columns of the channel table: the feed first (always on), then what reaches a phone, then the rest. */
const CHANNELS = [["feed", "Feed"], ["push", "Push"], ["ntfy", "ntfy"], ["email", "Email"], ["webhook", "Webhook"]];
/** Rows: the four kinds that ask something, then everything else (alertChannels). */
const KINDS = [
  ["nudges", "Reminders and heads-ups", "Before a meeting we can't see, or when the next one is about to start"],
  ["late", "Running late?", "A meeting started and we saw no sign of you"],
  ["missed", "Did you miss it?", "A meeting ended without you, as far as we can tell"],
  ["digest", "End-of-day summary", "Meetings we couldn't see, asked about together"],
  ["other", "Everything else", "A calendar to reconnect, recovery reminders, buffer conflicts"],
];
/** Every alert is a row of the feed, so the dashboard shows it whatever is ticked: the box says so and cannot be unticked. */
const withFeed = (channels) => (channels.includes("feed") ? channels : [...channels, "feed"].sort());
/** Whether any alert leaves the dashboard. */
/**
 * Whether any chosen channel can reach the user away from this page: a channel counts only once it
 * has somewhere to go (a device for push, a topic for ntfy, an address for the webhook).
 */
const reachesYou = (lists, where) => lists.some((channels) => channels.some((channel) => channel === "email" || (channel === "push" && where.devices > 0) || (channel === "ntfy" && where.ntfy) || (channel === "webhook" && where.webhook)));
/** Fields this form shows a message beside; the server's other messages go to the top. */
const FIELDS = new Set(["timeZone", "lateGraceMinutes", "settleMinutes", "autoConfirmMinutes", "checkInPrompt", "nudgeMinutes", "nudgeChannels", "lateAlertsWithoutSignal",
  "bufferMinutes", "giftDelayHours", "workingHours.days", "workingHours.start", "workingHours.end", "workingHours", "autoSendLateNotice", "sendVia", "alertChannels", "webhookUrl",
  "channelsByKind", "quietHours", "quietHours.start", "quietHours.end", "ntfyUrl", "ntfyToken"]);
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
  ntfyUrl: s.ntfyUrl ?? "",
  ntfyToken: "",
  forgetNtfyToken: false,
  quietOn: s.quietHours !== null,
  quietStart: s.quietHours?.start ?? "22:00",
  quietEnd: s.quietHours?.end ?? "07:00",
  channels: {
    nudges: withFeed(s.channelsByKind.nudges),
    late: withFeed(s.channelsByKind.late),
    missed: withFeed(s.channelsByKind.missed),
    digest: withFeed(s.channelsByKind.digest),
    other: withFeed(s.alertChannels),
  },
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
    alertChannels: withFeed(f.channels.other),
    channelsByKind: { nudges: withFeed(f.channels.nudges), late: withFeed(f.channels.late), missed: withFeed(f.channels.missed), digest: withFeed(f.channels.digest) },
    quietHours: f.quietOn ? { start: f.quietStart, end: f.quietEnd } : null,
    webhookUrl: f.webhookUrl.trim() === "" ? null : f.webhookUrl.trim(),
    ntfyUrl: f.ntfyUrl.trim() === "" ? null : f.ntfyUrl.trim(),
    ...(f.forgetNtfyToken ? { ntfyToken: null } : f.ntfyToken.trim() !== "" ? { ntfyToken: f.ntfyToken.trim() } : {}),
    sendVia: f.sendVia,
    checkInPrompt: f.checkInPrompt,
    lateAlertsWithoutSignal: f.lateAlertsWithoutSignal,
    nudgeMinutes: number(f.nudgeMinutes),
  };
}

function SettingsForm({ saved, onSaved }) {
  const [form, setForm] = useState(() => toForm(saved));
  // How many devices get notifications (unknown until PushDevice has loaded them).
  const [pushDevices, setPushDevices] = useState(0);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState({ busy: false, message: "" });
  useEffect(() => setForm(toForm(saved)), [saved]);

  const set = (key, value) => setForm((f) => ({ ...f, [key]: value }));
  const setChannel = (kind, channel, on) => setForm((f) => ({ ...f, channels: { ...f.channels, [kind]: toggle(f.channels[kind], channel, on) } }));
  const setHours = (key, value) => setForm((f) => ({ ...f, workingHours: { ...f.workingHours, [key]: value } }));
  const toggle = (list, value, on) => (on ? [...list.filter((v) => v !== value), value].sort() : list.filter((v) => v !== value));

  const submit = async (event) => {
    event.preventDefault();
    setStatus({ busy: true, message: "" });
    try {
      const next = await api.put("/api/settings", fromForm(form));
      setForm(toForm(next));
      setErrors({});
      setStatus({ busy: false, message: reachesYou([next.alertChannels, ...Object.values(next.channelsByKind)], { devices: pushDevices, ntfy: Boolean(next.ntfyUrl), webhook: Boolean(next.webhookUrl) }) ? "Settings saved." : "Settings saved. Alerts will show only here on the dashboard." });
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

  const reaches = reachesYou(Object.values(form.channels), { devices: pushDevices, ntfy: form.ntfyUrl.trim() !== "", webhook: form.webhookUrl.trim() !== "" });
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
      ${numberField("nudgeMinutes", "Remind me before they start (minutes)", "With I'm here and \u201cTell them I'm N minutes late\u201d. 0 for no reminder; at most 60. Where it goes: under Alerts.", { min: "0", max: "60" })}
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
        <span class="label" id="push-label">Notifications on your phone or computer</span>
        <p class="hint" id="hint-push">Alerts arrive on the lock screen with their answers as buttons: I'm here, Running 10 min late, Yes, I missed it, I was there. On a phone, add Makegood to the home screen first.</p>
        <${PushDevice} onDevices=${setPushDevices} />
      </div>
      <div class="field">
        <span class="label" id="channels-label">Where each kind of alert goes</span>
        <table class="channel-table" aria-labelledby="channels-label" aria-describedby=${[described("channelsByKind"), described("alertChannels"), reaches ? null : "warning-alertChannels"].filter(Boolean).join(" ") || undefined}>
          <thead><tr><th scope="col"><span class="visually-hidden">Alert</span></th>${CHANNELS.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
          <tbody>
            ${KINDS.map(([kind, label, hint]) => html`<tr>
              <th scope="row"><span class="kind-name">${label}</span><span class="hint">${hint}</span></th>
              ${CHANNELS.map(([channel, channelLabel]) => html`<td><input type="checkbox" id=${kind === "nudges" && channel === "push" ? "setting-channelsByKind" : kind === "other" && channel === "email" ? "setting-alertChannels" : undefined}
                aria-label=${`${label} by ${channel === "feed" ? "the in-app feed (always on)" : channelLabel}`} checked=${channel === "feed" || form.channels[kind].includes(channel)} disabled=${channel === "feed"}
                onChange=${(e) => setChannel(kind, channel, e.currentTarget.checked)} /></td>`)}
            </tr>`)}
          </tbody>
        </table>
        <p class="hint">The feed is this dashboard's Alerts page: everything is there, whatever is ticked.</p>
        ${!reaches && html`<p class="field-warning" id="warning-alertChannels" role="status">Nothing chosen here can reach you away from this page (notifications need a device below, ntfy a topic, the webhook an address): you will learn of a late or missed meeting only while Makegood is open.</p>`}
        ${error("channelsByKind")}${error("alertChannels")}
      </div>
      <div class="field">
        <label class="inline-check"><input type="checkbox" id="setting-quietHours" checked=${form.quietOn} onChange=${(e) => set("quietOn", e.currentTarget.checked)} aria-describedby="hint-quietHours" /> Quiet hours</label>
        <div class="time-pair">
          <label for="setting-quietHours-start">From</label>
          <input id="setting-quietHours-start" type="time" value=${form.quietStart} disabled=${!form.quietOn} onInput=${(e) => set("quietStart", e.currentTarget.value)} aria-invalid=${invalid("quietHours.start")} aria-describedby=${described("quietHours.start")} />
          <label for="setting-quietHours-end">to</label>
          <input id="setting-quietHours-end" type="time" value=${form.quietEnd} disabled=${!form.quietOn} onInput=${(e) => set("quietEnd", e.currentTarget.value)} aria-invalid=${invalid("quietHours.end")} aria-describedby=${described("quietHours.end")} />
        </div>
        <p class="hint" id="hint-quietHours">In your time zone. Push and ntfy hold “Did you miss it?”, the summary and everything else until the end; “Running late?” and reminders still come, since they are about a meeting you have right then.</p>
        ${error("quietHours")}${error("quietHours.start")}${error("quietHours.end")}
      </div>
      <div class="field">
        <label for="setting-ntfyUrl">ntfy topic</label>
        <input id="setting-ntfyUrl" type="url" inputmode="url" placeholder="https://ntfy.sh/your-topic" value=${form.ntfyUrl} onInput=${(e) => set("ntfyUrl", e.currentTarget.value)}
          aria-invalid=${invalid("ntfyUrl")} aria-describedby=${described("ntfyUrl", "hint-ntfyUrl")} />
        <p class="hint" id="hint-ntfyUrl">For the ntfy app: alerts are published to this topic, with their answers as buttons. Pick a topic name nobody can guess, or protect it with a token.</p>
        ${error("ntfyUrl")}
      </div>
      <div class="field">
        <label for="setting-ntfyToken">ntfy access token (optional)</label>
        <input id="setting-ntfyToken" type="password" autocomplete="off" placeholder=${saved.ntfyTokenSet ? "A token is stored; type to replace it" : "tk_…"} value=${form.ntfyToken}
          onInput=${(e) => set("ntfyToken", e.currentTarget.value)} aria-invalid=${invalid("ntfyToken")} aria-describedby=${described("ntfyToken")} />
        ${saved.ntfyTokenSet && html`<label class="inline-check"><input type="checkbox" checked=${form.forgetNtfyToken} onChange=${(e) => set("forgetNtfyToken", e.currentTarget.checked)} /> Forget the stored token</label>`}
        ${error("ntfyToken")}
      </div>
      <div class="field">
        <label for="setting-webhookUrl">Webhook URL</label>
        <input id="setting-webhookUrl" type="url" inputmode="url" placeholder="https://hooks.slack.com/services/…" value=${form.webhookUrl} onInput=${(e) => set("webhookUrl", e.currentTarget.value)}
          aria-invalid=${invalid("webhookUrl")} aria-describedby=${described("webhookUrl", "hint-webhookUrl")} />
        <p class="hint" id="hint-webhookUrl">Receives Slack-compatible JSON for each alert, with its answers as buttons.</p>
        ${error("webhookUrl")}
      </div>
    </fieldset>

    <div class="form-foot">
      <button type="submit" disabled=${status.busy}>${status.busy ? "Saving…" : "Save settings"}</button>
      <p class="action-status" role="status" aria-live="polite">${status.message}</p>
    </div>
  </form>`;
}
