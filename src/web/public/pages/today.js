// Today: connected calendars and their health, today's timeline, recent meetings.
import { api } from "../api.js";
import { dateTime, day, localDate, relative, time, timeRange } from "../format.js";
import { AlertActions } from "./alerts.js";
import { useProviders } from "../providers.js";
import { Empty, html, Loading, Problem, Section, StateBadge, useResource } from "../ui.js";

const PROVIDERS = { google: "Google", microsoft: "Outlook", sandbox: "Sandbox" };
const DAY_MS = 24 * 60 * 60 * 1000;

export function TodayPage({ profile, refreshKey, refresh, now, liveAlerts, headingRef }) {
  return html`
    <h1 tabindex="-1" ref=${headingRef}>Today</h1>
    <${Attention} refreshKey=${refreshKey} refresh=${refresh} now=${now} zone=${profile.timeZone} liveAlerts=${liveAlerts} />
    <${Timeline} refreshKey=${refreshKey} now=${now} zone=${profile.timeZone} />
    <${Calendars} refreshKey=${refreshKey} now=${now} zone=${profile.timeZone} />
  `;
}

/** The alerts that still ask something of the user, with their actions, on the first page. */
function Attention({ refreshKey, refresh, now, zone }) {
  const [state, reload] = useResource(() => api.get("/api/alerts?limit=20"), [refreshKey]);
  if (state.status === "loading" || !state.data) return state.status === "error" ? html`<${Problem} error=${state.error} retry=${reload} />` : null;
  const open = state.data.alerts.filter((alert) => !alert.withdrawn && (alert.kind === "late" || alert.kind === "suspected_missed"));
  if (open.length === 0) return null;
  return html`<${Section} title="Needs your attention" id="attention">
    <ul class="alerts">
      ${open.map((alert) => html`<li class=${"alert alert-" + alert.kind} key=${alert.id}>
        <p class="alert-title">${alert.title}</p>
        <p class="muted">${dateTime(alert.createdAt, zone)} · ${relative(alert.createdAt, now())}</p>
        <${AlertActions} alert=${alert} onDone=${refresh} />
      </li>`)}
    </ul>
  </${Section}>`;
}

function Timeline({ refreshKey, now, zone }) {
  const [state, reload] = useResource(() => {
    const from = new Date(now() - 8 * DAY_MS).toISOString();
    const to = new Date(now() + 2 * DAY_MS).toISOString();
    return api.get(`/api/meetings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  }, [refreshKey]);

  if (state.status === "loading") return html`<${Section} title="Today's meetings" id="timeline"><${Loading} what="meetings" /></${Section}>`;
  if (!state.data) return html`<${Section} title="Today's meetings" id="timeline"><${Problem} error=${state.error} retry=${reload} /></${Section}>`;

  const nowMs = now();
  const today = localDate(new Date(nowMs).toISOString(), zone);
  const meetings = state.data.meetings.filter((m) => !m.isAllDay);
  const todays = meetings.filter((m) => localDate(m.start, zone) === today).sort((a, b) => a.start.localeCompare(b.start));
  const recent = meetings.filter((m) => localDate(m.start, zone) < today && m.watched).sort((a, b) => b.start.localeCompare(a.start));
  const nextIndex = todays.findIndex((m) => new Date(m.start).getTime() > nowMs);
  const markerAt = nextIndex === -1 ? todays.length : nextIndex;

  return html`
    <${Section} title="Today's meetings" id="timeline" actions=${html`<span class="muted">${day(new Date(nowMs).toISOString(), zone)} · times in ${zone}</span>`}>
      ${state.error && html`<${Problem} error=${state.error} retry=${reload} />`}
      ${todays.length === 0
        ? html`<${Empty} title="No meetings today.">Meetings from your connected calendars appear here with their state: upcoming, running late, attended or missed.</${Empty}>`
        : html`<ol class="timeline">
            ${todays.map((meeting, index) => html`
              ${index === markerAt && html`<li class="now-marker" key="now"><span>Now · ${time(new Date(nowMs).toISOString(), zone)}</span></li>`}
              <${MeetingRow} key=${meeting.id} meeting=${meeting} zone=${zone} />`)}
            ${markerAt === todays.length && html`<li class="now-marker" key="now"><span>Now · ${time(new Date(nowMs).toISOString(), zone)}</span></li>`}
          </ol>`}
    </${Section}>
    <${Section} title="Recent meetings" id="recent" actions=${html`<span class="muted">last 7 days</span>`}>
      ${recent.length === 0
        ? html`<${Empty} title="No watched meetings in the last week." />`
        : html`<ol class="timeline">${recent.slice(0, 30).map((meeting) => html`<${MeetingRow} key=${meeting.id} meeting=${meeting} zone=${zone} showDay />`)}</ol>`}
    </${Section}>
  `;
}

function MeetingRow({ meeting, zone, showDay }) {
  const others = meeting.attendees.filter((a) => !a.isSelf);
  const state = meeting.watched ? meeting.state : null;
  return html`<li class=${"meeting state-row-" + (state ?? "unwatched")}>
    <span class="when">${showDay && html`<span class="meeting-day">${day(meeting.start, zone)}</span> `}${timeRange(meeting.start, meeting.end, zone)}</span>
    <span class="what">
      <span class="meeting-title">${meeting.title || "(no title)"}</span>
      <span class="muted">${others.length === 0 ? "just you" : others.slice(0, 2).map((a) => a.name ?? a.email).join(", ") + (others.length > 2 ? ` and ${others.length - 2} more` : "")}${meeting.cancelled ? " · cancelled" : ""}</span>
    </span>
    <${StateBadge} state=${state} />
  </li>`;
}

function Calendars({ refreshKey, now, zone }) {
  const [state, reload] = useResource(() => api.get("/api/connections"), [refreshKey]);
  const offered = useProviders()?.providers;
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
          ${c.lastError && html`<div class="wide"><dt>Last problem</dt><dd>${c.lastError}${c.lastErrorAt ? ` (${relative(c.lastErrorAt, now())})` : ""}</dd></div>`}
          ${c.backoffUntil && html`<div class="wide"><dt>Slowed down</dt><dd>the provider asked us to wait until ${time(c.backoffUntil, zone)}</dd></div>`}
        </dl>
        ${c.status === "needs_reauth" && c.provider !== "sandbox" && html`<p><a class="button" href=${"/auth/" + c.provider}>Reconnect ${PROVIDERS[c.provider]}</a> <span class="muted">Access was withdrawn; connect the account again to resume watching.</span></p>`}
      </li>`)}
    </ul>`;
  };
  return html`<${Section} title="Connected calendars" id="calendars" actions=${connectLinks}>${body()}</${Section}>`;
}
