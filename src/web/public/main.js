// The dashboard: signed-out start page, or the signed-in shell with its pages (hash routes).
import { render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "./api.js";
import { useLiveAlerts } from "./live-alerts.js";
import { AlertsPage } from "./pages/alerts.js";
import { CasesPage } from "./pages/cases.js";
import { DraftsPage } from "./pages/drafts.js";
import { OutboxPage } from "./pages/outbox.js";
import { PunctualityPage } from "./pages/punctuality.js";
import { SettingsPage } from "./pages/settings.js";
import { SignedOut } from "./pages/signed-out.js";
import { TodayPage } from "./pages/today.js";
import { SandboxBanner } from "./sandbox-panel.js";
import { announce, Announcer, html, Loading, Problem } from "./ui.js";
import { ZoneNote, ZoneOffer } from "./zone-line.js";

const PAGES = [
  { path: "", label: "Today", Page: TodayPage },
  { path: "alerts", label: "Alerts", Page: AlertsPage },
  { path: "recovery", label: "Recovery", Page: CasesPage },
  { path: "drafts", label: "Drafts", Page: DraftsPage },
  { path: "punctuality", label: "Punctuality", Page: PunctualityPage },
  { path: "settings", label: "Settings", Page: SettingsPage },
  { path: "outbox", label: "Outbox", Page: OutboxPage, sandboxOnly: true },
];

const currentPath = () => location.hash.replace(/^#\/?/, "").split("?")[0];

function useHashRoute() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return path;
}

/**
 * An alert email's link (/?meeting=<id>&action=late|confirm|deny, /?alert=<id>&action=all_attended) opens the feed at that alert
 * with the answer ready; it never answers by itself, since mail scanners fetch links too.
 */
function takeEmailAction() {
  const params = new URLSearchParams(location.search);
  const meetingId = params.get("meeting");
  // A digest names no single meeting: its link names the alert (/?alert=<id>&action=all_attended).
  const alertId = params.get("alert");
  const action = params.get("action");
  if (!meetingId && !alertId) return null;
  history.replaceState(null, "", location.pathname + "#/alerts");
  return { meetingId, alertId, action: ["late", "confirm", "deny", "all_attended"].includes(action) ? action : null };
}

/** The provider the visitor just connected (?connected=google), shown once, then dropped from the address. */
function takeConnectedNotice() {
  const params = new URLSearchParams(location.search);
  const connected = params.get("connected");
  if (connected) history.replaceState(null, "", location.pathname + location.hash);
  return connected;
}

function Root() {
  const [me, setMe] = useState({ status: "loading" });
  const load = useCallback(() => {
    api.get("/api/me").then(
      (profile) => setMe({ status: "signed-in", profile }),
      (error) => setMe(error.status === 401 ? { status: "signed-out" } : { status: "error", error }),
    );
  }, []);
  useEffect(load, [load]);
  // Later looks keep the page as it is when they fail, but a lapsed session signs out.
  const recheck = useCallback(() => {
    api.get("/api/me").then(
      (profile) => setMe({ status: "signed-in", profile }),
      (error) => error.status === 401 && setMe({ status: "signed-out" }),
    );
  }, []);

  if (me.status === "loading") return html`<main id="main" class="narrow"><${Loading} what="Makegood" /></main>`;
  if (me.status === "error") return html`<main id="main" class="narrow"><h1>Makegood</h1><${Problem} error=${me.error} retry=${load} /></main>`;
  if (me.status === "signed-out") return html`<${SignedOut} />`;
  return html`<${Shell} profile=${me.profile} onSignedOut=${() => setMe({ status: "signed-out" })} onProfileChanged=${recheck} />`;
}

function Shell({ profile, onSignedOut, onProfileChanged }) {
  const [fromEmail] = useState(takeEmailAction);
  const path = useHashRoute();
  const [connected] = useState(takeConnectedNotice);
  const [refreshKey, setRefreshKey] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const [liveAlerts, setLiveAlerts] = useState([]);
  const refresh = useCallback(() => setRefreshKey((key) => key + 1), []);
  // The service's clock decides what "now" is (it may differ from this browser's).
  const clockOffset = useMemo(() => new Date(profile.now).getTime() - Date.now(), [profile.now]);
  const now = useCallback(() => Date.now() + clockOffset, [clockOffset]);

  // States move on with time (upcoming → in progress) without an alert: look again every minute,
  // and ask the service's clock again (and whether the session still holds).
  useEffect(() => {
    const timer = setInterval(() => {
      onProfileChanged();
      refresh();
    }, 60_000);
    return () => clearInterval(timer);
  }, [refresh, onProfileChanged]);

  // Relative times ("Alerted 9 minutes ago") move on between reloads: draw the page again every 30 s.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 30_000);
    return () => clearInterval(timer);
  }, []);

  const live = useLiveAlerts(
    true,
    (alert) => {
      // Kept with the time it came, so a page loaded after it shows its own (newer) copy.
      setLiveAlerts((list) => [{ alert, receivedAt: Date.now() }, ...list.filter((entry) => entry.alert.id !== alert.id)]);
      const isNew = alert.status === "open" && !alert.answeredAt;
      // The feed itself is a live region; elsewhere the shell says it (answers made elsewhere show on their cards).
      if (isNew && currentPath() !== "alerts") setAnnouncement(`New alert: ${alert.title}`);
      onProfileChanged();
      refresh();
    },
    refresh,
    () => {
      // The sandbox started over (here or in another tab): what the page shows is gone.
      setLiveAlerts([]);
      refresh();
    },
  );

  // The outbox stays reachable by address even when the nav does not list it.
  const page = PAGES.find((p) => p.path === path);
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${page ? page.label : "Not found"} · Makegood`;
    // Keyboard and screen-reader users land on the new page's heading, not at the top of the nav.
    if (heading.current && document.activeElement !== document.body) heading.current.focus();
  }, [path]);

  const signOut = async () => {
    try {
      await api.postEmpty("/auth/sign-out");
      onSignedOut();
    } catch (error) {
      announce(`Could not sign out: ${error.message}`);
    }
  };

  const context = { profile, refreshKey, refresh, now, liveAlerts, headingRef: heading, onProfileChanged, fromEmail };
  return html`
    <a class="skip" href="#main" onClick=${(event) => { event.preventDefault(); heading.current?.focus(); }}>Skip to content</a>
    <header class="top">
      <div class="brand"><span class="logo" aria-hidden="true">◆</span> Makegood ${profile.sandbox && html`<span class="sandbox-tag">Sandbox</span>`}</div>
      <nav aria-label="Dashboard">
        <ul>
          ${PAGES.filter((p) => !p.sandboxOnly || profile.sandbox).map(
            (p) => html`<li><a href=${"#/" + p.path} aria-current=${p === page ? "page" : undefined}>${p.label}</a></li>`,
          )}
        </ul>
      </nav>
      <div class="who">
        <span class=${"live live-" + live} title="Alerts feed connection">${live === "live" ? "● Live" : live === "connecting" ? "○ Connecting" : "○ Reconnecting"}</span>
        <span class="email">${profile.email}</span>
        <button type="button" class="link-button" onClick=${signOut}>Sign out</button>
      </div>
    </header>
    <div class="visually-hidden" aria-live="polite" role="status">${announcement}</div>
    <${Announcer} />
    <main id="main">
      ${profile.sandbox && html`<${SandboxBanner} />`}
      <${ZoneOffer} zone=${profile.timeZone} sandbox=${profile.sandbox} onChanged=${() => { onProfileChanged(); refresh(); }} />
      ${page && page.path !== "" && page.path !== "settings" && html`<${ZoneNote} zone=${profile.timeZone} />`}
      ${connected === "zoom" && html`<p class="notice" role="status">Zoom is connected. In a minute, the Zoom meetings you host say "We'll see you join in Zoom."</p>`}
      ${connected && connected !== "sandbox" && connected !== "zoom" && html`<p class="notice" role="status">Your ${connected === "google" ? "Google" : connected === "microsoft" ? "Outlook" : connected} calendar is connected. Meetings appear as soon as the first sync finishes.</p>`}
      ${page
        ? html`<${page.Page} ...${context} />`
        : html`<h1 tabindex="-1" ref=${heading}>Page not found</h1><p>There is no page at <code>#/${path}</code>. <a href="#/">Go to today's meetings</a>.</p>`}
    </main>
  `;
}

const container = document.getElementById("app");
container.textContent = "";
render(html`<${Root} />`, container);

// The installable dashboard: the worker caches the shell and shows alerts as notifications
// (web/service-worker/sw.js). Browsers allow it on https and on localhost only.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("the service worker did not register", error));
}
