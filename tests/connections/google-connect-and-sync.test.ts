import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeetingView } from "../../src/detection/meetings/meeting-view-schema.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";

const HOUR = 60 * 60 * 1000;

describe("Connect Google, then sync the calendar", () => {
  let harness: Harness;
  let browser: CookieClient;
  const now = Date.now();
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.addUser({ provider: "google", email: "bo@example.com", name: "Bo Park" });
    control.createEvent("ann@example.com", {
      id: "clientcall",
      summary: "Client call",
      start: at(2 * HOUR),
      end: at(3 * HOUR),
      timeZone: "Europe/Berlin",
      organizer: { email: "ann@example.com", name: "Ann Lee" },
      attendees: [
        { email: "ann@example.com", name: "Ann Lee", response: "accepted" },
        { email: "dana@client.example", name: "Dana Smith", response: "accepted" },
      ],
      meet: "abc-defg-hij",
    });
    control.createEvent("ann@example.com", {
      id: "declined1",
      summary: "Vendor pitch",
      start: at(4 * HOUR),
      end: at(5 * HOUR),
      organizer: { email: "vendor@else.example", name: "Vendor" },
      attendees: [
        { email: "ann@example.com", response: "declined" },
        { email: "vendor@else.example", response: "accepted" },
      ],
    });
    control.createEvent("ann@example.com", { id: "focus", summary: "Focus time", start: at(6 * HOUR), end: at(7 * HOUR) });
    control.setNextLogin("google", "ann@example.com");
    browser = new CookieClient(harness.baseUrl);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const meetings = async () => (await browser.json<{ meetings: MeetingView[] }>("/api/meetings")).body.meetings;

  it("redirects to Google with state, PKCE S256, offline access and the product's scopes", async () => {
    const response = await browser.fetch("/auth/google");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(harness.emulator.env.GOOGLE_AUTH_URL);
    expect(location.searchParams.get("state")).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("access_type")).toBe("offline");
    expect(location.searchParams.get("redirect_uri")).toBe(`${harness.baseUrl}/auth/google/callback`);
    expect(location.searchParams.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["openid", "email", "profile", "https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/gmail.send", "https://www.googleapis.com/auth/meetings.space.readonly"]),
    );
  });

  it("signs the user in through the callback and syncs their meetings into the API", async () => {
    const { response, hops } = await browser.follow("/auth/google");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=google`);
    expect(browser.cookie("mg_session")).toBeDefined();
    // The sign-in page of ours is not there yet; the API is.
    expect([200, 404]).toContain(response.status);

    const connections = await browser.json<{ connections: Array<{ provider: string; accountEmail: string; status: string }> }>("/api/connections");
    expect(connections.body.connections).toMatchObject([{ provider: "google", accountEmail: "ann@example.com", status: "active" }]);

    await expect.poll(async () => (await meetings()).length, { timeout: 10_000 }).toBe(3);
    const byTitle = Object.fromEntries((await meetings()).map((m) => [m.title, m]));
    expect(byTitle["Client call"]).toMatchObject({
      provider: "google",
      providerEventId: "clientcall",
      timeZone: "Europe/Berlin",
      watched: true,
      selfResponse: "accepted",
      conference: { meetCode: "abc-defg-hij" },
    });
    expect(byTitle["Client call"]!.start).toBe(at(2 * HOUR));
    expect(byTitle["Client call"]!.attendees.map((a) => a.email).sort()).toEqual(["ann@example.com", "dana@client.example"]);
    expect(byTitle["Vendor pitch"]).toMatchObject({ watched: false, selfResponse: "declined" });
    expect(byTitle["Focus time"]).toMatchObject({ watched: false });
  });

  it("never shows one user's meetings to another", async () => {
    harness.emulator.control.setNextLogin("google", "bo@example.com");
    const other = new CookieClient(harness.baseUrl);
    await other.follow("/auth/google");
    expect(other.cookie("mg_session")).toBeDefined();
    const theirs = await other.json<{ meetings: MeetingView[] }>("/api/meetings");
    expect(theirs.status).toBe(200);
    expect(theirs.body.meetings).toEqual([]);
    const connections = await other.json<{ connections: Array<{ accountEmail: string }> }>("/api/connections");
    expect(connections.body.connections.map((c) => c.accountEmail)).toEqual(["bo@example.com"]);
  });

  it("refuses the API without a session", async () => {
    const anonymous = await fetch(`${harness.baseUrl}/api/meetings`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("ends a replayed or foreign callback on a page that explains and offers to try again", async () => {
    const fresh = new CookieClient(harness.baseUrl);
    harness.emulator.control.setNextLogin("google", "ann@example.com");
    const start = await fresh.fetch("/auth/google");
    const authorize = await fresh.fetch(start.headers.get("location")!);
    const callback = authorize.headers.get("location")!;
    // A different browser (no nonce cookie) cannot complete it.
    const stranger = await new CookieClient(harness.baseUrl).fetch(callback);
    expect(stranger.status).toBe(400);
    const page = await stranger.text();
    expect(page).toContain("started in another browser");
    expect(page).toContain('href="/auth/google"');
    // The browser that started it can, once; a replay of the same callback cannot.
    expect((await fresh.fetch(callback)).status).toBe(302);
    const replay = await fresh.fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already used");
  });

  it("tells the user what happened when they deny access, and creates nothing", async () => {
    const usersBefore = await harness.service.services.db.user.count();
    harness.emulator.control.denyNextLogin("google");
    const denied = new CookieClient(harness.baseUrl);
    const { response } = await denied.follow("/auth/google");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("did not grant Makegood access");
    expect(denied.cookie("mg_session")).toBeUndefined();
    expect(await harness.service.services.db.user.count()).toBe(usersBefore);
  });

  it("keeps tokens out of the database in clear and out of the logs", async () => {
    const row = await harness.service.services.db.connection.findFirstOrThrow({ where: { accountEmail: "ann@example.com" } });
    const access = harness.service.services.sealer.open(row.accessTokenSealed!, row.id);
    const refresh = harness.service.services.sealer.open(row.refreshTokenSealed!, row.id);
    expect(row.accessTokenSealed).not.toContain(access);
    expect(harness.logs.text()).not.toContain(access);
    expect(harness.logs.text()).not.toContain(refresh);
  });
});
