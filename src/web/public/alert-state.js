// Where each alert stands, as the server says (open → answered → resolved or withdrawn), merged
// with what the event stream pushed since the page loaded, and the collapsed card of an answered one.
import { api } from "./api.js";
import { dateTime, relative } from "./format.js";
import { ActionStatus, html, useAction, useResource } from "./ui.js";

/**
 * Loads alerts (`query` is the /api/alerts query string) and remembers when the load started, so
 * that a pushed change that arrived later wins over the loaded copy, and an older one does not.
 */
export function useAlerts(query, refreshKey) {
  return useResource(() => {
    const loadedAt = Date.now();
    return api.get(`/api/alerts?${query}`).then((data) => ({ ...data, loadedAt }));
  }, [refreshKey, query]);
}

/** The loaded alerts with the pushed ones laid over them (new ones added, changed ones replaced), newest first. */
export function mergeAlerts(loaded, live) {
  if (!loaded) return undefined;
  const byId = new Map(loaded.alerts.map((alert) => [alert.id, alert]));
  for (const { alert, receivedAt } of live) {
    if (!byId.has(alert.id) || receivedAt > loaded.loadedAt) byId.set(alert.id, alert);
  }
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** "just now" under a minute ("Alerted this minute" read oddly), else "9 minutes ago", "2 hours ago". */
export const ago = (iso, nowMs) => (nowMs - Date.parse(iso) < 60_000 ? "just now" : relative(iso, nowMs));

/** "Alerted 9 minutes ago", the exact time on hover (and for screen readers, in the datetime). */
export function AlertMeta({ alert, zone, now, extra = "" }) {
  return html`<p class="muted alert-meta"><time datetime=${alert.createdAt} title=${dateTime(alert.createdAt, zone)}>Alerted ${ago(alert.createdAt, now())}</time>${extra}</p>`;
}

const CLOSED = {
  resolved: "Settled: nothing left to answer.",
  withdrawn: "Withdrawn: the meeting was cancelled or declined, so nothing is asked any more.",
};

/**
 * What an answered (or closed) card collapses to: what was done and when, and Undo where the
 * answer can still be taken back (or why it cannot). No other buttons are left on it.
 */
export function AlertOutcome({ alert, zone, now, onDone }) {
  const [state, run] = useAction(onDone);
  if (alert.status !== "answered") return html`<p class="answered-other alert-outcome">${CLOSED[alert.status] ?? CLOSED.resolved}</p>`;
  const undo = alert.undo;
  return html`<div class="alert-outcome">
    <p class="answered" id=${`answer-${alert.id}-done`}>
      <span aria-hidden="true">✓ </span>${withPageLink(alert.answer ?? "Answered")}${alert.answeredAt && html` <span class="muted answered-when">· <time datetime=${alert.answeredAt} title=${dateTime(alert.answeredAt, zone)}>${ago(alert.answeredAt, now())}</time></span>`}
    </p>
    ${undo?.allowed && alert.meetingId && html`<div class="actions">
      <button type="button" class="secondary small-button" disabled=${state.busy} title="Take this answer back: the meeting asks “Are you sure?” again"
        onClick=${() => run(() => api.post(`/api/meetings/${alert.meetingId}/undo`), "Undone: the meeting asks \u201cAre you sure?\u201d again.")}>Undo</button>
      <${ActionStatus} state=${{ ...state, message: undefined }} />
    </div>`}
    ${undo && !undo.allowed && html`<p class="muted undo-refused">${undo.reason}</p>`}
  </div>`;
}

/** "…approve it in Drafts", "…under Recovery": the page named at the end is a link to it. */
const PAGES = { Drafts: "#/drafts", Recovery: "#/recovery" };
function withPageLink(answer) {
  const match = /^(.*\b)(Drafts|Recovery)$/.exec(answer);
  return match ? html`${match[1]}<a href=${PAGES[match[2]]}>${match[2]}</a>` : answer;
}

/** The small word after the kind: where the alert stands when it no longer asks. */
export const STATUS_TAGS = { answered: " · answered", resolved: " · resolved", withdrawn: " · withdrawn" };
