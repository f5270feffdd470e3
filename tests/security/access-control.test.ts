import { createECDH } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseView } from "../../src/recovery/case-service.js";
import type { DraftView } from "../../src/recovery/drafts/draft-view.js";
import { USER_DONE_STEPS } from "../../src/recovery/case-service.js";
import { CookieClient } from "../support/cookie-client.js";
import { connectAs, meetingsOf, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { eventually, settleTasks } from "../sync/support.js";

const MINUTE = 60_000;
const EVIL = "https://evil.example";

type ObjectKind = "meeting" | "lateMeeting" | "case" | "draft" | "connection" | "digest";

/**
 * How each /api route is tried as another user. Every /api route the app registers must be
 * here: the table is checked against the app's own route table, so a new route fails this
 * test until someone decides how it is scoped.
 */
/** A browser's subscription keys: a P-256 point and a 16-byte secret. */
const BROWSER_KEYS = (() => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: Buffer.alloc(16, 1).toString("base64url") };
})();

const API_ROUTES: Record<string, { object?: ObjectKind; body?: unknown; query?: string; stream?: true; status?: number }> = {
  "GET /api/connections": {},
  "DELETE /api/connections/:id": { object: "connection" },
  // One Zoom account per user, named by the session: another user has none to disconnect.
  "DELETE /api/zoom": { status: 404 },
  "GET /api/meetings": {},
  "POST /api/meetings/:id/confirm": { object: "meeting", body: { missed: false } },
  "POST /api/meetings/:id/attended": { object: "lateMeeting", body: {} },
  "POST /api/meetings/:id/undo": { object: "meeting", body: {} },
  "POST /api/meetings/:id/running-late": { object: "lateMeeting", body: { minutes: 5 } },
  "GET /api/meetings/:id/running-late/preview": { object: "lateMeeting", query: "?minutes=5" },
  "GET /api/alerts": {},
  "GET /api/alerts/stream": { stream: true },
  "POST /api/alerts/:id/all-attended": { object: "digest", body: {} },
  "GET /api/settings": {},
  "PUT /api/settings": { body: { lateGraceMinutes: 7 } },
  "GET /api/cases": {},
  "GET /api/cases/:id": { object: "case" },
  "POST /api/cases/:id/phone": { object: "case", body: { phone: "+1 415 555 0100" } },
  "PUT /api/cases/:id/notes": { object: "case", body: { likes: "stolen note" } },
  "PUT /api/cases/:id/materials": { object: "case", body: { links: [{ url: "https://evil.example/x" }] } },
  "POST /api/cases/:id/link": { object: "case", body: { meetingId: "BOB_MEETING" } },
  "POST /api/cases/:id/steps/:kind/done": { object: "case", body: {} },
  "POST /api/cases/:id/close": { object: "case", body: {} },
  "GET /api/drafts": {},
  "GET /api/drafts/:id": { object: "draft" },
  "POST /api/drafts/:id/approve": { object: "draft", body: { subject: "hijacked" } },
  "POST /api/drafts/:id/reject": { object: "draft", body: {} },
  "POST /api/drafts/:id/resend": { object: "draft", body: {} },
  "POST /api/drafts/:id/restore": { object: "draft", body: {} },
  "GET /api/outbox": {},
  "GET /api/me": {},
  "GET /api/punctuality": {},
  // Web Push devices: each user sees and removes only their own. This server has no VAPID key
  // (DATABASE_URL without VAPID_*), so subscribing and testing say push is off: 409.
  "GET /api/push/key": {},
  "GET /api/push/subscriptions": {},
  "POST /api/push/subscriptions": { body: { endpoint: "https://1.1.1.1/push/bob", keys: BROWSER_KEYS }, status: 409 },
  "DELETE /api/push/subscriptions": { body: { endpoint: "https://1.1.1.1/push/ann" } },
  "POST /api/push/test": { body: {}, status: 409 },
  // Sandbox only (403 for any other user); this server has real credentials, so the sandbox is off: 404.
  "POST /api/sandbox/simulate/rescheduled-meeting-held": { body: {}, status: 404 },
};

/**
 * Every state-changing route, and why it is or is not protected by the same-origin check.
 * "session": cookie-authenticated, so a cross-site Origin/Referer must be refused.
 */
const STATE_CHANGING: Record<string, "session" | { exempt: string }> = {
  "POST /auth/sign-out": "session",
  "POST /auth/sandbox": "session",
  "POST /auth/sandbox/reset": "session",
  "POST /webhooks/google": { exempt: "no cookie: the channel token is checked" },
  "POST /webhooks/microsoft": { exempt: "no cookie: each notification's clientState is checked" },
  "POST /webhooks/zoom": { exempt: "no cookie: every webhook's x-zm-signature is checked" },
  "POST /check-in/:token": { exempt: "no cookie needed: the signed, expiring token names the one meeting" },
  "POST /alert-action/:token": { exempt: "no cookie needed: the signed, expiring token names one answer to one alert" },
  ...Object.fromEntries(Object.keys(API_ROUTES).filter((key) => !key.startsWith("GET ")).map((key) => [key, "session" as const])),
};

/**
 * Two users with data of every kind; the second tries every route on the first one's
 * objects, and must see 404 or only their own data, never the first one's.
 */
describe("every route is scoped to its signed-in user", () => {
  let harness: Harness;
  let ann: CookieClient;
  let bob: CookieClient;
  const ids = {} as Record<ObjectKind, string>;
  let bobMeeting: string;
  const annSecrets: string[] = [];
  const at = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * MINUTE).toISOString();
  const routes = () => harness.service.app.routeTable.map((route) => ({ ...route, key: `${route.method} ${route.url}` }));
  const pathFor = (url: string, object: string) => url.replace(":id", object).replace(":kind", USER_DONE_STEPS[0]).replace(":token", "x".repeat(20));

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "microsoft", email: "bob@contoso.example", name: "Bob Ray" });
    const guests = (self: string) => [
      { email: self, response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    control.createEvent("ann@example.com", { summary: "Ann private late", start: at(-12), end: at(40), attendees: guests("ann@example.com"), meet: true });
    control.createEvent("ann@example.com", { summary: "Ann private missed", start: at(-90), end: at(-45), attendees: guests("ann@example.com"), description: "Call +1 415 555 0199" });
    control.createEvent("bob@contoso.example", { summary: "Bob own meeting", start: at(120), end: at(150), attendees: guests("bob@contoso.example") }, "microsoft");

    ann = await connectAs(harness, "google", "ann@example.com");
    bob = await connectAs(harness, "microsoft", "bob@contoso.example");
    const late = await waitForMeeting(ann, "Ann private late", (m) => m.state === "late", 15_000);
    const missed = await waitForMeeting(ann, "Ann private missed", (m) => m.state === "suspected_missed", 15_000);
    bobMeeting = (await waitForMeeting(bob, "Bob own meeting", () => true)).id;
    expect((await ann.json(`/api/meetings/${missed.id}/confirm`, { method: "POST", body: JSON.stringify({ missed: true }) })).status).toBe(200);
    expect((await ann.json(`/api/meetings/${late.id}/running-late`, { method: "POST", body: JSON.stringify({ minutes: 10 }) })).status).toBe(200);
    expect((await ann.json("/api/settings", { method: "PUT", body: JSON.stringify({ timeZone: "Pacific/Chatham" }) })).status).toBe(200);
    const theCase = await eventually(async () => (await ann.json<{ cases: CaseView[] }>("/api/cases")).body.cases.find((c) => c.meetingId === missed.id && c.proposal.draftId), 15_000, "Ann's case");
    await settleTasks(harness);
    const drafts = (await ann.json<{ drafts: DraftView[] }>("/api/drafts")).body.drafts;
    const pending = drafts.find((d) => d.status === "pending");
    expect(pending).toBeDefined();
    const connection = (await ann.json<{ connections: Array<{ id: string }> }>("/api/connections")).body.connections[0]!;
    const { db } = harness.service.services;
    const annId = (await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).userId;
    const digest = await db.alert.create({
      data: { userId: annId, kind: "digest", idempotencyKey: "digest:ann:test", title: "Were you at Ann private late?", body: "Ann private", data: { meetingIds: [late.id] } },
    });
    Object.assign(ids, { meeting: missed.id, lateMeeting: late.id, case: theCase.id, draft: pending!.id, connection: connection.id, digest: digest.id });
    const alerts = (await ann.json<{ alerts: Array<{ id: string }> }>("/api/alerts")).body.alerts;
    expect(alerts.length).toBeGreaterThan(0);
    annSecrets.push(...Object.values(ids), ...alerts.map((a) => a.id), ...drafts.map((d) => d.id), "Ann private", "ann@example.com", "Pacific/Chatham");
  }, 90_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("the tables list every /api route and every state-changing route the app registers", () => {
    const api = routes().filter((r) => r.url.startsWith("/api/") && r.method !== "HEAD").map((r) => r.key);
    expect(api.filter((key) => !(key in API_ROUTES)), "add these routes to API_ROUTES").toEqual([]);
    expect(Object.keys(API_ROUTES).filter((key) => !api.includes(key)), "routes in the table that the app does not have").toEqual([]);
    const changing = routes().filter((r) => !["GET", "HEAD", "OPTIONS"].includes(r.method)).map((r) => r.key);
    expect(changing.filter((key) => !(key in STATE_CHANGING)), "add these routes to STATE_CHANGING").toEqual([]);
  });

  it("every /api route answers 401 without a session", async () => {
    for (const key of Object.keys(API_ROUTES)) {
      const [method, url] = key.split(" ") as [string, string];
      const response = await fetch(`${harness.baseUrl}${pathFor(url, ids.meeting)}`, { method, headers: { origin: harness.baseUrl, "content-type": "application/json" }, ...(method === "GET" ? {} : { body: "{}" }) });
      expect(response.status, key).toBe(401);
      expect(await response.json(), key).toMatchObject({ error: { code: "unauthenticated" } });
    }
  });

  it("another user gets 404 for each of the first user's objects, and lists only their own data", async () => {
    for (const [key, spec] of Object.entries(API_ROUTES)) {
      const [method, url] = key.split(" ") as [string, string];
      if (spec.stream) {
        // The stream only ever carries the subscriber's own alerts; here: it opens, as Bob.
        const controller = new AbortController();
        const response = await bob.fetch(url, { signal: controller.signal });
        expect(response.status, key).toBe(200);
        controller.abort();
        continue;
      }
      const path = pathFor(url, spec.object ? ids[spec.object] : "") + (spec.query ?? "");
      const body = spec.body === undefined ? undefined : JSON.stringify(spec.body).replace("BOB_MEETING", bobMeeting);
      const response = await bob.fetch(path, { method, headers: { accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body } : {}) });
      const text = await response.text();
      if (spec.object) expect(response.status, `${key}: ${text}`).toBe(404);
      else expect(response.status, `${key}: ${text}`).toBe(spec.status ?? 200);
      // The 404 may repeat the id Bob asked for; nothing else of Ann's may appear.
      for (const secret of annSecrets.filter((s) => !spec.object || s !== ids[spec.object])) expect(text, `${key} leaked ${secret}`).not.toContain(secret);
    }
  });

  it("left the first user's data as it was", async () => {
    const { db } = harness.service.services;
    expect(await db.connection.count({ where: { id: ids.connection } })).toBe(1);
    expect((await db.draft.findUniqueOrThrow({ where: { id: ids.draft } })).status).toBe("pending");
    const theCase = (await ann.json<CaseView>(`/api/cases/${ids.case}`)).body;
    expect(JSON.stringify(theCase)).not.toContain("stolen note");
    expect(JSON.stringify(theCase)).not.toContain("415 555 0100");
    expect((await meetingsOf(ann)).find((m) => m.id === ids.lateMeeting)?.state).toBe("late");
    expect((await ann.json<{ lateGraceMinutes: number }>("/api/settings")).body.lateGraceMinutes).not.toBe(7);
  });

  describe("CSRF: cookie-authenticated state-changing routes refuse other origins", () => {
    const sessionRoutes = () => Object.entries(STATE_CHANGING).filter(([, rule]) => rule === "session").map(([key]) => key.split(" ") as [string, string]);

    it.each([
      ["a cross-site Origin", { origin: EVIL }],
      ["a cross-site Referer and no Origin", { referer: `${EVIL}/page` }],
      ["neither Origin nor Referer", {}],
      ["an Origin that only resembles ours", { origin: "http://localhost.evil.example" }],
    ])("%s → 403 on every one", async (_label, headers: Record<string, string>) => {
      for (const [method, url] of sessionRoutes()) {
        // Raw fetch with Ann's cookie: CookieClient would add the right Origin.
        const cookie = `mg_session=${ann.cookie("mg_session")}`;
        const response = await fetch(`${harness.baseUrl}${pathFor(url, ids.draft)}`, { method, headers: { cookie, "content-type": "application/json", ...headers }, body: "{}" });
        expect(response.status, `${method} ${url}`).toBe(403);
        expect(await response.json(), `${method} ${url}`).toMatchObject({ error: { code: "cross_site_request" } });
      }
      expect((await ann.json("/api/settings")).status).toBe(200); // still signed in
    });

    it("the same request from the dashboard's origin goes through", async () => {
      const response = await ann.json<DraftView>(`/api/drafts/${ids.draft}/reject`, { method: "POST", body: "{}", headers: { origin: harness.baseUrl } });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe("rejected");
      const viaReferer = await fetch(`${harness.baseUrl}/api/settings`, {
        method: "PUT",
        headers: { cookie: `mg_session=${ann.cookie("mg_session")}`, "content-type": "application/json", referer: `${harness.baseUrl}/settings` },
        body: JSON.stringify({ lateGraceMinutes: 6 }),
      });
      expect(viaReferer.status).toBe(200);
    });
  });
});
