import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/platform/clock.js";
import { meetingsOf, waitForMeeting } from "../support/connect.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { eventually } from "../recovery/support/recovery-helpers.js";

const MINUTE = 60_000;
const ZONE = "America/New_York";
const COFFEE = "Coffee with Jordan Lee";
const LUNCH = "Lunch with Maya Chen";
const ZOOM = "Pricing call with Contoso";

interface AlertRow {
  id: string;
  kind: string;
  meetingId: string | null;
  meetingIds: string[];
  title: string;
  body: string;
  withdrawn: boolean;
  links: Array<{ label: string; url: string }>;
}

/**
 * The sandbox's meetings we cannot see, through HTTP on a clock the test holds still: the
 * coffee's nudge is in the feed as soon as the sign-in answers, and yesterday's digest (due at
 * the end of yesterday's working day) is sent at once, listing yesterday's two meetings.
 */
describe("the sandbox's check-in-only meetings", () => {
  // Tuesday 2026-11-10, 12:00 in New York.
  const clock = new FixedClock(new Date("2026-11-10T17:00:00Z"));
  let harness: Harness;
  let browser: CookieClient;
  const alerts = async (query = "") => (await browser.json<{ alerts: AlertRow[] }>(`/api/alerts${query}`)).body.alerts;

  beforeAll(async () => {
    harness = await startHarness({ clock, env: { SANDBOX: "true" } });
    browser = new CookieClient(harness.baseUrl);
    const signIn = await browser.fetch("/auth/sandbox", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ timeZone: ZONE }) });
    expect(signIn.status).toBe(303);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("each meeting says how it can be seen", async () => {
    const meetings = await meetingsOf(browser, `?from=${encodeURIComponent(new Date(clock.now().getTime() - 3 * 24 * 60 * MINUTE).toISOString())}`);
    const byTitle = (title: string) => meetings.find((m) => m.title === title)!;
    expect(byTitle("Quarterly review with Northwind Traders")).toMatchObject({ evidenceSource: "conference", liveSignal: true, checkedInAt: null });
    expect(byTitle(COFFEE)).toMatchObject({ evidenceSource: "check_in", liveSignal: false, evidenceSourceReason: "In person (Blue Bottle, 66 Mint St): we can't see it, so tap I'm here when you arrive." });
    // The sandbox has a (simulated) Zoom account: the client's Zoom meeting is not its to see, its own is.
    expect(byTitle(ZOOM).evidenceSourceReason).toMatch(/^Zoom meeting hosted by someone else: we can't see it/);
    expect(byTitle("Pipeline call with Wayfarer (your Zoom)")).toMatchObject({ evidenceSource: "conference", liveSignal: true, evidenceSourceReason: "We'll see you join in Zoom.", state: "attended" });
    const zoom = (await browser.json<{ zoom: { available: boolean; connection: { accountEmail: string; hostedMeetings: number } | null } }>("/api/connections")).body.zoom;
    expect(zoom).toMatchObject({ available: true, connection: { accountEmail: "alex.morgan@sandbox.example", hostedMeetings: 1 } });
    const coffeeStartsIn = Date.parse(byTitle(COFFEE).start) - clock.now().getTime();
    expect(coffeeStartsIn).toBeGreaterThan(3 * MINUTE);
    expect(coffeeStartsIn).toBeLessThanOrEqual(4 * MINUTE);
  });

  it("the coffee's nudge is in the feed as the sign-in answers; I'm here checks in before the start", async () => {
    const coffee = (await meetingsOf(browser)).find((m) => m.title === COFFEE)!;
    const nudge = (await alerts()).find((a) => a.kind === "nudge" && a.meetingId === coffee.id);
    expect(nudge).toMatchObject({ title: "Coffee with Jordan Lee starts at 12:04 PM EST", withdrawn: false });
    expect(nudge!.body).toContain("We can't see this one (Blue Bottle, 66 Mint St)");
    const checkIn = await browser.json<{ state: string }>(`/api/meetings/${coffee.id}/attended`, { method: "POST", body: "{}" });
    expect(checkIn.status).toBe(200);
    const after = (await meetingsOf(browser)).find((m) => m.id === coffee.id)!;
    expect(after.checkedInAt).toBe(clock.now().toISOString());
  });

  it("yesterday's digest is sent at once and lists yesterday's two meetings; answering it settles them", async () => {
    const digest = await eventually(async () => (await alerts()).find((a) => a.kind === "digest"), "yesterday's digest", { timeout: 15_000 });
    expect(digest.title).toBe("Were you at these 2 meetings?");
    expect(digest.meetingId).toBeNull();
    expect(digest.meetingIds).toHaveLength(2);
    expect(digest.body).toContain(LUNCH);
    expect(digest.body).toContain(ZOOM);
    const from = `?from=${encodeURIComponent(new Date(clock.now().getTime() - 2 * 24 * 60 * MINUTE).toISOString())}`;
    const lunch = await waitForMeeting(browser, LUNCH, (m) => m.state === "suspected_missed", 5_000, from);
    const zoom = (await meetingsOf(browser, from)).find((m) => m.title === ZOOM)!;
    expect(digest.meetingIds.sort()).toEqual([lunch.id, zoom.id].sort());
    // No per-meeting question about them.
    expect((await alerts()).filter((a) => a.kind === "suspected_missed" && digest.meetingIds.includes(a.meetingId ?? ""))).toEqual([]);

    expect((await browser.json(`/api/meetings/${zoom.id}/confirm`, { method: "POST", body: JSON.stringify({ missed: true }) })).status).toBe(200);
    const all = await browser.json<{ meetings: Array<{ id: string; state: string }> }>(`/api/alerts/${digest.id}/all-attended`, { method: "POST", body: "{}" });
    expect(all.status).toBe(200);
    expect(Object.fromEntries(all.body.meetings.map((m) => [m.id, m.state]))).toEqual({ [lunch.id]: "attended", [zoom.id]: "missed" });
    expect((await alerts()).find((a) => a.id === digest.id)).toBeUndefined();
  });

  it("a reset brings the nudge and yesterday's digest back, once each", async () => {
    const reset = await browser.json("/auth/sandbox/reset", { method: "POST", body: "{}" });
    expect({ status: reset.status, body: reset.body }).toMatchObject({ status: 200 });
    const digests = await eventually(async () => {
      const found = (await alerts()).filter((a) => a.kind === "digest");
      return found.length > 0 ? found : undefined;
    }, "the fresh digest", { timeout: 15_000 });
    expect(digests).toHaveLength(1);
    expect((await alerts()).filter((a) => a.kind === "nudge")).toHaveLength(1);
  });
});
