import path from "node:path";
import type { Page, Worker } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVapidKeys } from "../../src/platform/vapid-keys.js";
import { startPushService, type PushService, type Subscriber } from "../notify/support/push-service.js";
import { repoRoot } from "../support/child-process.js";
import { middayZone } from "../support/midday-zone.js";
import type { Harness } from "../support/service-harness.js";
import { hasChromium, PHONE_390, type RunningBrowser, screenshots as pictures } from "./support/browser.js";
import { useServiceAndBrowser } from "./support/service-and-browser.js";

const ARTIFACTS = path.join(repoRoot, "tests", "artifacts", "push-notifications");
const ZONE = middayZone();
const LATE = "Quarterly review with Northwind Traders";
const VAPID = generateVapidKeys();

if (!hasChromium) console.warn("push notification browser tests SKIPPED: /usr/bin/chromium is missing (apt-get install -y chromium)");

// The code below that runs in Chromium (page.evaluate, worker.evaluate) sees browser globals; the
// project compiles without the DOM library, so these say what those callbacks use of them.
interface ShownNotification {
  title: string;
  tag: string;
  actions: Array<{ action: string; title: string }>;
}
interface WorkerRegistration {
  active: { scriptURL: string } | null;
  scope: string;
  getNotifications(filter: { tag: string }): Promise<ShownNotification[]>;
}
declare const navigator: { serviceWorker: { ready: Promise<WorkerRegistration> } };
declare const caches: { keys(): Promise<string[]>; open(name: string): Promise<{ keys(): Promise<Array<{ url: string }>> }> };
declare const self: {
  makegood: { showAlertNotification(payload: unknown): Promise<void>; answerFromNotification(notification: ShownNotification, action: string): Promise<{ ok: boolean; message: string }> };
  registration: WorkerRegistration;
};

interface Payload {
  title: string;
  tag: string;
  alertId: string;
  actions: Array<{ action: string; title: string; url: string }>;
}

/**
 * The installable dashboard in Chromium (issue 15): the manifest names its icons, the service
 * worker registers and caches the shell, and an alert pushed to a device (our own push
 * service: VAPID checked, payload decrypted with the device's key) becomes a notification in
 * the worker whose "I'm here" button, pressed as on a lock screen, posts its signed link and
 * answers the alert — with no session, as the dashboard's own button would.
 */
describe.skipIf(!hasChromium)("the dashboard on a phone: installable, and alerts answered from a notification", { timeout: 120_000 }, () => {
  let harness: Harness;
  let browser: RunningBrowser;
  let page: Page;
  let push: PushService;
  let device: Subscriber;
  const api = <T>(pathname: string, init?: { method: string; body?: unknown }): Promise<{ status: number; body: T }> =>
    page.evaluate(
      async ([url, request]) => {
        const response = await fetch(url, request ? { method: request.method, headers: { "content-type": "application/json" }, body: JSON.stringify(request.body ?? {}) } : undefined);
        return { status: response.status, body: await response.json() };
      },
      [pathname, init] as const,
    ) as Promise<{ status: number; body: T }>;

  beforeAll(async () => {
    push = await startPushService();
  });
  afterAll(async () => {
    await push?.close();
  });
  useServiceAndBrowser(
    // The push service runs on this machine (127.0.0.1): the server may post to private addresses here.
    { artifacts: ARTIFACTS, timezoneId: ZONE, cron: true, env: { VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey, VAPID_SUBJECT: "mailto:ops@makegood.example.com", WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true" } },
    (running) => {
      harness = running.harness;
      browser = running.browser;
      page = running.page;
    },
  );

  const worker = async (): Promise<Worker> => browser.context.serviceWorkers()[0] ?? (await browser.context.waitForEvent("serviceworker", { timeout: 15_000 }));

  it("names its manifest and icons (192 and 512, plain and maskable), and the service worker registers and caches the shell", async () => {
    await page.goto(harness.baseUrl + "/");
    await page.getByRole("button", { name: "Try the sandbox" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Today" }).isVisible(), { timeout: 15_000 }).toBe(true);

    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const manifest = await api<{ name: string; start_url: string; display: string; theme_color: string; icons: Array<{ src: string; sizes: string; type: string; purpose: string }> }>(href!);
    expect(manifest.status).toBe(200);
    expect(manifest.body).toMatchObject({ name: "Makegood", start_url: "/", display: "standalone", theme_color: "#1d4ed8" });
    expect(manifest.body.icons.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual(["192x192 any", "192x192 maskable", "512x512 any", "512x512 maskable"]);
    for (const icon of manifest.body.icons) {
      // The PNG's own header says its size: the manifest does not lie about it.
      const size = await page.evaluate(async (src) => {
        const response = await fetch(src);
        const bytes = new DataView(await response.arrayBuffer());
        return { type: response.headers.get("content-type"), width: bytes.getUint32(16), height: bytes.getUint32(20) };
      }, icon.src);
      expect(size).toEqual({ type: "image/png", width: Number(icon.sizes.split("x")[0]), height: Number(icon.sizes.split("x")[1]) });
    }
    expect(await page.locator('meta[name="theme-color"]').getAttribute("content")).toBe("#1d4ed8");

    const registered = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const shell = names.find((name) => name.startsWith("makegood-shell-"));
      const cached = shell ? (await (await caches.open(shell)).keys()).map((request) => new URL(request.url).pathname) : [];
      return { script: registration.active?.scriptURL, scope: registration.scope, shell, cached };
    });
    expect(registered.script).toBe(`${harness.baseUrl}/sw.js`);
    expect(registered.scope).toBe(`${harness.baseUrl}/`);
    expect(registered.shell).toMatch(/^makegood-shell-[0-9a-f]{16}$/);
    expect(registered.cached).toEqual(expect.arrayContaining(["/", "/app/main.js", "/app/dashboard.css", "/app/pages/settings.js", "/vendor/preact/preact.mjs", "/app/icons/icon-192.png"]));
    // Nothing personal is cached: no API answer is in the shell cache.
    expect(registered.cached.filter((pathname) => pathname.startsWith("/api/"))).toEqual([]);
    // The signed-out start page's one 401 (who am I?) aside, nothing failed: no CSP refusal, no missing shell file.
    expect(browser.problems.filter((problem) => !problem.includes("401 (Unauthorized)"))).toEqual([]);
  });

  it("refuses a subscription whose endpoint is not https, or whose keys are not a browser's, naming the field", async () => {
    const good = push.subscribe(VAPID.publicKey);
    const plain = await api<{ error: { code: string; message: string; field: string } }>("/api/push/subscriptions", { method: "POST", body: { endpoint: good.endpoint.replace("https:", "http:"), keys: good.keys } });
    expect(plain.status).toBe(400);
    expect(plain.body.error).toMatchObject({ code: "validation_failed", field: "endpoint" });
    expect(plain.body.error.message).toContain("https://");
    const badKey = await api<{ error: { message: string; field: string } }>("/api/push/subscriptions", { method: "POST", body: { endpoint: good.endpoint, keys: { ...good.keys, p256dh: Buffer.alloc(65, 4).toString("base64url") } } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.field).toBe("keys.p256dh");
    expect(badKey.body.error.message).toContain("P-256 public key");
    const badAuth = await api<{ error: { message: string; field: string } }>("/api/push/subscriptions", { method: "POST", body: { endpoint: good.endpoint, keys: { ...good.keys, auth: "c2hvcnQ" } } });
    expect(badAuth.status).toBe(400);
    expect(badAuth.body.error.field).toBe("keys.auth");
    expect(badAuth.body.error.message).toContain("16-byte auth secret");
  });

  it("pushes the running-late alert to a subscribed device; its I'm here button, pressed in the service worker, answers the alert", async () => {
    device = push.subscribe(VAPID.publicKey);
    const subscribed = await api<{ id: string; host: string }>("/api/push/subscriptions", { method: "POST", body: { endpoint: device.endpoint, keys: device.keys } });
    expect(subscribed.status).toBe(200);
    expect(subscribed.body.host).toBe(new URL(push.origin).host);
    // Fresh samples, now that a device listens: their alerts are pushed to it.
    const reset = await page.evaluate(() => fetch("/auth/sandbox/reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((response) => response.status));
    expect(reset).toBe(200);
    await expect.poll(() => device.received.map((message) => (message.payload as Payload).title).find((title) => title.includes(LATE)), { timeout: 30_000 }).toBeTruthy();
    expect(push.rejections).toEqual([]);
    const payload = device.received.map((message) => message.payload as Payload).find((candidate) => candidate.title.includes(LATE))!;
    expect(payload.actions.map((action) => action.title)).toEqual(["I'm here", "Running 10 min late"]);

    // The browser has no push service to deliver through here: the worker's push handler is handed the decrypted payload.
    await browser.context.grantPermissions(["notifications"], { origin: harness.baseUrl });
    const sw = await worker();
    const shown = await sw.evaluate(async (message) => {
      await self.makegood.showAlertNotification(message);
      const notifications = await self.registration.getNotifications({ tag: message.tag });
      return notifications.map((notification) => ({ title: notification.title, actions: notification.actions.map(({ action, title }) => ({ action, title })) }));
    }, payload);
    expect(shown).toEqual([{ title: payload.title, actions: [{ action: "here", title: "I'm here" }, { action: "late_10", title: "Running 10 min late" }] }]);

    // Pressed as on a lock screen: notificationclick with action "here" runs this.
    const answered = await sw.evaluate(async (tag) => {
      const [notification] = await self.registration.getNotifications({ tag });
      return self.makegood.answerFromNotification(notification!, "here");
    }, payload.tag);
    expect(answered).toEqual({ ok: true, message: "You're checked in." });

    const alerts = await api<{ alerts: Array<{ id: string; status: string; answer: string | null }> }>("/api/alerts?includeWithdrawn=true&limit=100");
    expect(alerts.body.alerts.find((alert) => alert.id === payload.alertId)).toMatchObject({ status: "answered", answer: "Checked in" });
    // The same link again: the same answer, nothing new (single-purpose, harmless to replay).
    const again = await sw.evaluate(async (url) => (await fetch(url, { method: "POST", credentials: "omit", headers: { accept: "application/json" } })).json(), payload.actions[0]!.url);
    expect(again).toMatchObject({ ok: true });
    // The answer link is never logged.
    expect(harness.logs.text()).not.toContain(payload.actions[0]!.url.split("/alert-action/")[1]);
  });

  it("shows the settings page's notifications and channels at 1280 and 390 px, and the sandbox's lock-screen previews", async () => {
    await page.goto(harness.baseUrl + "/#/settings");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Settings" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.getByRole("list", { name: "Devices that get notifications" }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole("checkbox", { name: "Running late? by Push" }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "End-of-day summary by Push" }).isChecked()).toBe(false);
    expect(await page.getByLabel("From").nth(1).inputValue()).toBe("22:00");
    await page.getByRole("heading", { level: 1, name: "Settings" }).scrollIntoViewIfNeeded();
    await pictures(page, "01-settings", ARTIFACTS, PHONE_390);
    // The Alerts card alone, at both widths, to look at closely (the full pages are long).
    const alertsCard = page.locator("fieldset.card", { hasText: "Where each kind of alert goes" });
    for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", PHONE_390]] as const) {
      await page.setViewportSize(viewport);
      await alertsCard.screenshot({ path: path.join(ARTIFACTS, `01-settings-alerts-card-${name}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // A channel change is saved and read back.
    await page.getByRole("checkbox", { name: "End-of-day summary by Push" }).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.getByText("Settings saved.").isVisible(), { timeout: 5_000 }).toBe(true);
    const settings = await api<{ channelsByKind: { digest: string[] }; quietHours: unknown }>("/api/settings");
    expect(settings.body.channelsByKind.digest).toContain("push");
    expect(settings.body.quietHours).toEqual({ start: "22:00", end: "07:00" });

    await page.goto(harness.baseUrl + "/#/alerts");
    const preview = page.locator("li.alert-nudge .lock-preview").first();
    await expect.poll(() => preview.isVisible(), { timeout: 10_000 }).toBe(true);
    await pictures(page, "02-alerts-lock-screen-previews", ARTIFACTS, PHONE_390);
    await page.setViewportSize(PHONE_390);
    await page.locator("li.alert").first().screenshot({ path: path.join(ARTIFACTS, "02-alert-card-with-preview-phone.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
    const open = page.locator("li.alert-suspected_missed .lock-preview[open]").first();
    if (await open.count()) expect(await open.locator(".notification-action").allTextContents()).toEqual(["Yes, I missed it", "I was there"]);
  });
});
