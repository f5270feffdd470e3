// Makegood's service worker (issue 15): the dashboard works from the home screen, and alerts
// arrive as notifications whose buttons answer them. Served at /sw.js (scope /) by
// web/routes/app-shell.ts, which fills in the shell's file list and its version (a hash of
// those files): any change to the dashboard makes a new worker, a new cache, and the old
// cache goes on activation.
const SHELL_VERSION = "__SHELL_VERSION__";
const SHELL_FILES = __SHELL_FILES__;
const CACHE = `makegood-shell-${SHELL_VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("makegood-shell-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// What the user's data is never cached: /api answers (meetings, alerts, drafts: personal) go
// to the network only, and offline they get the API's own error shape, so the page says so.
// The shell (the page, its scripts, styles, icons) is served from the versioned cache; a
// navigation tries the network first, so a signed-out or changed page is never stale.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) {
    if (url.pathname === "/api/alerts/stream") return;
    event.respondWith(fetch(request).catch(() => offlineApiAnswer()));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/", { cacheName: CACHE }).then((page) => page ?? Response.error())));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((cached) => cached ?? fetch(request)));
  }
});

function offlineApiAnswer() {
  const body = JSON.stringify({ error: { code: "offline", message: "You're offline: this will load again once you're connected." } });
  return new Response(body, { status: 503, headers: { "content-type": "application/json; charset=utf-8" } });
}

// A push message is the JSON the server built (alerts/domain/notification.ts): title, body,
// tag (one card per meeting: a late alert replaces the nudge), the answers with their signed
// links, and where a tap goes.
self.addEventListener("push", (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  event.waitUntil(showAlertNotification(payload ?? { title: "Makegood", body: "You have a new alert.", tag: "makegood", url: "/", actions: [] }));
});

function showAlertNotification(payload) {
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  return self.registration.showNotification(payload.title, {
    body: payload.body,
    tag: payload.tag,
    renotify: Boolean(payload.renotify && payload.tag),
    timestamp: payload.timestamp,
    icon: "/app/icons/icon-192.png",
    badge: "/app/icons/maskable-192.png",
    actions: actions.map((action) => ({ action: action.action, title: action.title })),
    data: { url: payload.url || "/", alertId: payload.alertId, links: Object.fromEntries(actions.map((action) => [action.action, action.url])) },
  });
}

// A button answers without opening anything: the worker POSTs the button's signed link (no
// cookie: the link is the authority) and replaces the notification with what happened, or
// with why not and a tap to open the dashboard. A tap on the notification itself opens (or
// focuses) the dashboard at the alert.
self.addEventListener("notificationclick", (event) => {
  const work = event.action ? answerFromNotification(event.notification, event.action) : openDashboard(event.notification);
  event.waitUntil(work);
});

async function answerFromNotification(notification, action) {
  const data = notification.data || {};
  const link = data.links && data.links[action];
  notification.close();
  if (!link) return openDashboard(notification);
  let message;
  let ok = false;
  try {
    const response = await fetch(link, { method: "POST", credentials: "omit", headers: { accept: "application/json" } });
    const answer = await response.json();
    ok = response.ok && answer.ok === true;
    // A refusal is the API's error body: {"error": {"code", "message"}}.
    message = ok ? answer.message : answer.error && answer.error.message;
  } catch {
    message = "Could not reach Makegood: tap to answer in the dashboard.";
  }
  await self.registration.showNotification(ok ? "Makegood" : "Not answered", {
    body: message || (ok ? "Done." : "Tap to answer in the dashboard."),
    tag: notification.tag,
    icon: "/app/icons/icon-192.png",
    badge: "/app/icons/maskable-192.png",
    data: { url: data.url || "/", links: {} },
  });
  return { ok, message };
}

async function openDashboard(notification) {
  notification.close();
  const target = new URL((notification.data && notification.data.url) || "/", self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    await open.focus();
    return open.navigate(target);
  }
  return self.clients.openWindow(target);
}

// Tests drive the handlers directly (a browser under test has no push service to deliver a
// real message): the same functions the events call.
self.makegood = { showAlertNotification, answerFromNotification };
