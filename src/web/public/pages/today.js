// Today: connected calendars and their health, today's timeline, recent meetings.
import { api } from "../api.js";
import { dateTime, day, localDate, relative, time, timeRange } from "../format.js";
import { AlertAnswer, isOpenQuestion } from "./alerts.js";
import { AlertMeta, mergeAlerts, useAlerts } from "../alert-state.js";
import { asksWereYouThere, offersCheckIn, rememberAnswer, SourceLine, useAnswers, useMeetingsById } from "../check-ins.js";
import { useProviders } from "../providers.js";
import { ActionStatus, Empty, html, Loading, Problem, Section, StateBadge, useAction, useResource } from "../ui.js";
import { zoneWithLabel } from "../zone-line.js";

const PROVIDERS = { google: "Google", microsoft: "Outlook", sandbox: "Sandbox" };
const DAY_MS = 24 * 60 * 60 * 1000;
const URGENCY = { late: 0, nudge: 1, suspected_missed: 2, digest: 3 };

export function TodayPage({ profile, refreshKey, refresh, now, liveAlerts, headingRef }) {
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Today</h1>
    <${Attention} refreshKey=${refreshKey} refresh=${refresh} now=${now} zone=${profile.timeZone} liveAlerts=${liveAlerts} />
    <${Timeline} refreshKey=${refreshKey} refresh=${refresh} now=${now} zone=${profile.timeZone} />
    <${Calendars} refreshKey=${refreshKey} now=${now} zone=${profile.timeZone} />
  `;
}

/** An answered card stays on Today this long, collapsed to what was done, then leaves it to the Alerts page. */
const ANSWERED_STAYS_MS = 60 * 60 * 1000;

/** The alerts that still ask something of the user, with their actions, on the first page; just-answered ones collapsed. */
function Attention({ refreshKey, refresh, now, zone, liveAlerts }) {
  const [state, reload] = useAlerts("limit=30&includeWithdrawn=true", refreshKey);
  const meetings = useMeetingsById(refreshKey, now);
  const known = useAnswers();
  const alerts = mergeAlerts(state.data, liveAlerts);
  if (!alerts) return state.status === "error" ? html`<${Problem} error=${state.error} retry=${reload} />` : null;
  const nowMs = now();
  const answeredLately = (alert) => alert.status === "answered" && alert.answeredAt && nowMs - Date.parse(alert.answeredAt) < ANSWERED_STAYS_MS && (URGENCY[alert.kind] ?? 9) < 9;
  // What cannot wait first: a meeting under way or about to start, then questions about the past; answers last.
  const shown = alerts
    .filter((alert) => isOpenQuestion(alert, meetings, known, nowMs) || answeredLately(alert))
    .sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open") || (URGENCY[a.kind] ?? 9) - (URGENCY[b.kind] ?? 9) || b.createdAt.localeCompare(a.createdAt));
  if (shown.length === 0) return null;
  return html`<${Section} title="Needs your attention" id="attention">
    <ul class="alerts">
      ${shown.map((alert) => html`<li class=${"alert alert-" + alert.kind + (alert.status !== "open" ? " withdrawn alert-" + alert.status : "")} key=${alert.id} id=${"attention-" + alert.id} data-status=${alert.status}>
        <p class="alert-title">${alert.title}</p>
        <${AlertMeta} alert=${alert} zone=${zone} now=${now} />
        <${AlertAnswer} alert=${alert} onDone=${refresh} meetings=${meetings} zone=${zone} now=${now} />
      </li>`)}
    </ul>
  </${Section}>`;
}

function Timeline({ refreshKey, refresh, now, zone }) {
  const known = useAnswers();
  const [state, reload] = useResource(() => {
    const from = new Date(now() - 8 * DAY_MS).toISOString();
    const to = new Date(now() + 2 * DAY_MS).toISOString();
    return api.get(`/api/meetings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  }, [refreshKey]);

  if (state.status === "loading") return html`<${Section} title="Today's meetings" id="timeline"><${Loading} what="meetings" /></${Section}>`;
  if (!state.data) return html`<${Section} title="Today's meetings" id="timeline"><${Problem} error=${state.error} retry=${reload} /></${Section}>`;

  const nowMs = now();
  const today = localDate(new Date(nowMs).toISOString(), zone);
  const meetings = state.data.meetings.filter((m) => !m.isAllDay).map(known);
  const todays = meetings.filter((m) => localDate(m.start, zone) === today).sort((a, b) => a.start.localeCompare(b.start));
  const weekAgo = localDate(new Date(nowMs - 7 * DAY_MS).toISOString(), zone);
  const recent = meetings.filter((m) => localDate(m.start, zone) < today && localDate(m.start, zone) >= weekAgo && m.watched).sort((a, b) => b.start.localeCompare(a.start));
  const nextIndex = todays.findIndex((m) => new Date(m.start).getTime() > nowMs);
  const markerAt = nextIndex === -1 ? todays.length : nextIndex;

  return html`
    <${Section} title="Today's meetings" id="timeline" actions=${html`<span class="muted zone-note">${day(new Date(nowMs).toISOString(), zone)} · times in ${zoneWithLabel(zone)}</span>`}>
      ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
      ${todays.length === 0
        ? html`<${Empty} title="No meetings today.">Meetings from your connected calendars appear here with their state: upcoming, running late, attended or missed.</${Empty}>`
        : html`<ol class="timeline">
            ${todays.map((meeting, index) => html`
              ${index === markerAt && html`<li class="now-marker" key="now"><span>Now · ${time(new Date(nowMs).toISOString(), zone)}</span></li>`}
              <${MeetingRow} key=${meeting.id} meeting=${meeting} zone=${zone} nowMs=${nowMs} refresh=${refresh} />`)}
            ${markerAt === todays.length && html`<li class="now-marker" key="now"><span>Now · ${time(new Date(nowMs).toISOString(), zone)}</span></li>`}
          </ol>`}
    </${Section}>
    <${Section} title="Earlier meetings" id="recent" actions=${html`<span class="muted">the 7 days before today</span>`}>
      ${recent.length === 0
        ? html`<${Empty} title=${todays.length > 0 ? "No watched meetings in the 7 days before today; today's are above." : "No watched meetings in the 7 days before today."} />`
        : html`<ol class="timeline">${recent.slice(0, 30).map((meeting) => html`<${MeetingRow} key=${meeting.id} meeting=${meeting} zone=${zone} nowMs=${nowMs} refresh=${refresh} showDay />`)}</ol>`}
    </${Section}>
  `;
}

function MeetingRow({ meeting, zone, showDay, nowMs, refresh }) {
  const listed = meeting.attendees.filter((a) => !a.isSelf);
  // Graph names a colleague who organises a 1:1 only as its organiser, not among the attendees.
  const organizer = meeting.organizer;
  const selfEmails = meeting.attendees.filter((a) => a.isSelf).map((a) => a.email.toLowerCase());
  const organizerOnly = organizer && !meeting.isOrganizer && !selfEmails.includes(organizer.email.toLowerCase()) && !listed.some((a) => a.email.toLowerCase() === organizer.email.toLowerCase());
  const others = organizerOnly ? [{ email: organizer.email, name: organizer.name }, ...listed] : listed;
  const state = meeting.watched ? meeting.state : null;
  const rowState = asksWereYouThere(meeting) ? "ask" : state ?? "unwatched";
  return html`<li class=${"meeting state-row-" + rowState} data-meeting=${meeting.id}>
    <span class="when">${showDay && html`<span class="meeting-day">${day(meeting.start, zone)}</span> `}${timeRange(meeting.start, meeting.end, zone)}</span>
    <span class="what">
      <span class="meeting-title">${meeting.title || "(no title)"}</span>
      <span class="muted">${others.length === 0 ? "just you" : others.slice(0, 2).map((a) => a.name ?? a.email).join(", ") + (others.length > 2 ? ` and ${others.length - 2} more` : "")}${meeting.cancelled ? " · cancelled" : ""}</span>
      <${SourceLine} meeting=${meeting} nowMs=${nowMs} zone=${zone} />
    </span>
    <${StateBadge} state=${state} meeting=${meeting} />
    <${RowActions} meeting=${meeting} nowMs=${nowMs} refresh=${refresh} />
  </li>`;
}

/** What a row can answer itself: "I'm here" for a meeting we cannot see, "Were you there?" after one. */
function RowActions({ meeting, nowMs, refresh }) {
  const [status, run] = useAction(refresh);
  const title = meeting.title || "this meeting";
  if (offersCheckIn(meeting, nowMs)) {
    const checkIn = () =>
      run(async () => {
        const result = await api.post(`/api/meetings/${meeting.id}/attended`);
        rememberAnswer(meeting, { state: result.state, checkedInAt: new Date(nowMs).toISOString() });
        return result;
      }, `Checked in to ${title}.`);
    return html`<div class="row-actions actions">
      <button type="button" disabled=${status.busy} onClick=${checkIn} aria-label=${`I'm here: ${title}`}>I'm here</button>
      <${ActionStatus} state=${{ ...status, message: undefined }} />
    </div>`;
  }
  if (asksWereYouThere(meeting)) {
    const answer = (missed) =>
      run(async () => {
        const result = await api.post(`/api/meetings/${meeting.id}/confirm`, { missed });
        rememberAnswer(meeting, { state: result.state });
        return result;
      }, missed ? `Recorded: you missed ${title}. Your recovery plan is being prepared under Recovery.` : `Marked as attended: ${title}.`);
    return html`<div class="row-actions actions">
      <button type="button" class="secondary" disabled=${status.busy} onClick=${() => answer(false)} aria-label=${`I was there: ${title}`}>I was there</button>
      <button type="button" class="secondary" disabled=${status.busy} onClick=${() => answer(true)} aria-label=${`I missed it: ${title}`}>I missed it</button>
      <${ActionStatus} state=${{ ...status, message: undefined }} />
    </div>`;
  }
  return null;
}

/**
 * Zoom beside the calendars: not a calendar, but what lets us see the user join the Zoom
 * meetings they host. Offered only when the server has a Zoom app (GET /api/connections `zoom`).
 */
function ZoomAccount({ zoom, now, reload }) {
  const [status, run] = useAction(reload);
  const account = zoom.connection;
  if (!account) {
    return html`<li class="calendar calendar-offer">
      <div class="calendar-head"><span class="provider">Zoom</span><span class="account muted">not connected</span></div>
      <p class="muted">Connect Zoom to see you join the Zoom meetings you host, as it happens. Zoom meetings others host stay check-in only.</p>
      <p><a class="button" href="/auth/zoom">Connect Zoom</a></p>
    </li>`;
  }
  const disconnect = () => {
    if (!window.confirm("Disconnect Zoom? Your Zoom meetings become check-in only again.")) return;
    run(() => api.delete("/api/zoom"), "Zoom disconnected. Your Zoom meetings are check-in only again.");
  };
  return html`<li class=${"calendar calendar-" + account.status}>
    <div class="calendar-head">
      <span class="provider">Zoom</span>
      <span class="account">${account.accountEmail}</span>
      ${account.status === "needs_reauth"
        ? html`<span class="badge health-bad"><span aria-hidden="true">✗</span> Needs re-authorisation</span>`
        : html`<span class="badge health-ok"><span aria-hidden="true">✓</span> Connected</span>`}
    </div>
    <dl class="facts">
      <div><dt>Meetings you host</dt><dd>${account.hostedMeetings === 1 ? "1 meeting" : `${account.hostedMeetings} meetings`}: we see you join them live</dd></div>
      <div><dt>Hosted by others</dt><dd>check-in only (Zoom shows them only to their host)</dd></div>
      ${account.meetingsReadAt && html`<div><dt>Last read</dt><dd><time datetime=${account.meetingsReadAt}>${relative(account.meetingsReadAt, now())}</time></dd></div>`}
      ${account.lastError && html`<div class="wide"><dt>Last problem</dt><dd>${account.lastError}</dd></div>`}
    </dl>
    <div class="actions">
      ${account.status === "needs_reauth" && html`<a class="button" href="/auth/zoom">Reconnect Zoom</a>`}
      <button type="button" class="secondary" disabled=${status.busy} onClick=${disconnect}>Disconnect Zoom</button>
      <${ActionStatus} state=${status} />
    </div>
  </li>`;
}

function Calendars({ refreshKey, now, zone }) {
  const [state, reload] = useResource(() => api.get("/api/connections"), [refreshKey]);
  const offered = useProviders()?.providers;
  const zoom = state.data?.zoom;
  const connectLinks = offered && html`<span class="head-links">
    ${offered.google && html`<a href="/auth/google" class="small-link">Connect Google</a>`}
    ${offered.microsoft && html`<a href="/auth/microsoft" class="small-link">Connect Outlook</a>`}
  </span>`;
  const body = () => {
    if (state.status === "loading") return html`<${Loading} what="calendars" />`;
    if (!state.data) return html`<${Problem} error=${state.error} retry=${reload} />`;
    const connections = state.data.connections.filter((c) => c.status !== "disconnected");
    if (connections.length === 0) {
      return html`<${Empty} title="No calendar connected.">
        <p>Connect one so Makegood can watch your meetings.</p>
        ${connectLinks}
      </${Empty}>`;
    }
    return html`<ul class="calendars">
      ${connections.map((c) => html`<li key=${c.id} class=${"calendar calendar-" + c.status}>
        <div class="calendar-head">
          <span class="provider">${PROVIDERS[c.provider]}</span>
          <span class="account">${c.accountEmail}</span>
          ${c.status === "needs_reauth"
            ? html`<span class="badge health-bad"><span aria-hidden="true">✗</span> Needs re-authorisation</span>`
            : c.lastError
              ? html`<span class="badge health-warn"><span aria-hidden="true">⚠</span> Sync problem</span>`
              : html`<span class="badge health-ok"><span aria-hidden="true">✓</span> Healthy</span>`}
        </div>
        <dl class="facts">
          <div><dt>Last sync</dt><dd>${c.lastSyncAt ? html`<time datetime=${c.lastSyncAt} title=${dateTime(c.lastSyncAt, zone)}>${relative(c.lastSyncAt, now())}</time>` : "not yet"}</dd></div>
          <div><dt>Push updates</dt><dd>${c.push === "active" ? "on" : c.push === "failed" ? "failed (polling instead)" : "off (polling every minute)"}</dd></div>
          ${c.presence.status === "available" && html`<div><dt>Teams presence</dt><dd>on: we see you in Teams calls as they happen</dd></div>`}
          ${c.presence.status === "unavailable" && c.provider === "microsoft" && html`<div class="wide"><dt>Teams presence</dt><dd>${c.presence.note ?? "not available"}. Teams meetings others organise are check-in only.</dd></div>`}
          ${c.lastError && html`<div class="wide"><dt>Last problem</dt><dd>${c.lastError}${c.lastErrorAt ? ` (${relative(c.lastErrorAt, now())})` : ""}</dd></div>`}
          ${c.backoffUntil && html`<div class="wide"><dt>Slowed down</dt><dd>the provider asked us to wait until ${time(c.backoffUntil, zone)}</dd></div>`}
        </dl>
        ${c.status === "needs_reauth" && c.provider !== "sandbox" && html`<p><a class="button" href=${"/auth/" + c.provider}>Reconnect ${PROVIDERS[c.provider]}</a> <span class="muted">Access was withdrawn; connect the account again to resume watching.</span></p>`}
      </li>`)}
      ${zoom?.available && html`<${ZoomAccount} zoom=${zoom} now=${now} reload=${reload} />`}
    </ul>`;
  };
  // Zoom sits beside the calendars when the server offers it: the heading says so.
  return html`<${Section} title=${zoom?.available ? "Connected calendars and Zoom" : "Connected calendars"} id="calendars" actions=${connectLinks}>${body()}</${Section}>`;
}
