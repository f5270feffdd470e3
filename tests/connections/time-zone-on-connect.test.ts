import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs } from "../support/connect.js";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";

describe("a new user starts in their connected calendar's time zone", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "tomo@example.com", name: "Tomo", timeZone: "Asia/Tokyo" });
    control.addUser({ provider: "microsoft", email: "berta@contoso.example", name: "Berta", timeZone: "W. Europe Standard Time" });
    control.addUser({ provider: "google", email: "nora@example.com", name: "Nora", timeZone: "Europe/Oslo" });
    control.addUser({ provider: "microsoft", email: "nora@contoso.example", name: "Nora", timeZone: "Tokyo Standard Time" });
    control.addUser({ provider: "microsoft", email: "flaky@contoso.example", name: "Flaky", timeZone: "AUS Eastern Standard Time" });
    control.addUser({ provider: "google", email: "uma@example.com", name: "Uma" });
    control.addUser({ provider: "microsoft", email: "uma@contoso.example", name: "Uma", timeZone: "India Standard Time" });
    control.addUser({ provider: "google", email: "kenji@example.com", name: "Kenji" });
    control.addUser({ provider: "google", email: "olga@example.com", name: "Olga", timeZone: "Europe/Moscow" });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const zoneOf = async (browser: CookieClient): Promise<string> => (await browser.json<{ timeZone: string }>("/api/settings")).body.timeZone;

  it("asks Microsoft for Presence.Read and MailboxSettings.Read when connecting Outlook", async () => {
    const response = await fetch(`${harness.baseUrl}/auth/microsoft`, { redirect: "manual" });
    const scopes = new URL(response.headers.get("location") ?? "").searchParams.get("scope")?.split(" ");
    expect(scopes).toEqual(["offline_access", "User.Read", "Calendars.ReadWrite", "Mail.Send", "Mail.ReadBasic", "OnlineMeetings.Read", "OnlineMeetingArtifact.Read.All", "Presence.Read", "MailboxSettings.Read"]);
  });

  it("takes Google's timezone setting (Asia/Tokyo)", async () => {
    expect(await zoneOf(await connectAs(harness, "google", "tomo@example.com"))).toBe("Asia/Tokyo");
  });

  it("takes Outlook's mailbox zone, mapped from its Windows name (W. Europe Standard Time → Europe/Berlin)", async () => {
    expect(await zoneOf(await connectAs(harness, "microsoft", "berta@contoso.example"))).toBe("Europe/Berlin");
  });

  it("keeps a zone the user chose when they connect a second calendar", async () => {
    const browser = await connectAs(harness, "google", "nora@example.com");
    expect(await zoneOf(browser)).toBe("Europe/Oslo");
    const chosen = await browser.json<{ timeZone: string }>("/api/settings", { method: "PUT", body: JSON.stringify({ timeZone: "America/New_York" }) });
    expect(chosen.body.timeZone).toBe("America/New_York");

    harness.emulator.control.setNextLogin("microsoft", "nora@contoso.example");
    const { hops } = await browser.follow("/auth/microsoft");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=microsoft`);
    const connections = await browser.json<{ connections: Array<{ accountEmail: string }> }>("/api/connections");
    expect(connections.body.connections.map((c) => c.accountEmail).sort()).toEqual(["nora@contoso.example", "nora@example.com"]);
    expect(await zoneOf(browser)).toBe("America/New_York");
  });

  it("reads the zone only on the connection that created the user: a second one leaves even UTC alone", async () => {
    const browser = await connectAs(harness, "google", "uma@example.com");
    expect(await zoneOf(browser)).toBe("UTC");
    harness.emulator.control.clearRequests();
    harness.emulator.control.setNextLogin("microsoft", "uma@contoso.example");
    expect((await browser.follow("/auth/microsoft")).hops.at(-1)).toBe(`${harness.baseUrl}/?connected=microsoft`);
    expect(await zoneOf(browser)).toBe("UTC");
    expect(harness.emulator.control.requests({ pathPrefix: "/v1.0/me/mailboxSettings" })).toEqual([]);
  });

  /** As the start page leaves it (signed-out.js) before "Connect Google" is pressed. */
  async function connectFromBrowserIn(zone: string, email: string): Promise<CookieClient> {
    harness.emulator.control.setNextLogin("google", email);
    const browser = new CookieClient(harness.baseUrl);
    browser.setCookie("mg_browser_zone", encodeURIComponent(zone));
    const { hops } = await browser.follow("/auth/google");
    expect(hops.at(-1)).toBe(`${harness.baseUrl}/?connected=google`);
    return browser;
  }

  it("takes the browser's zone when the calendar names none (a Tokyo browser does not start in UTC)", async () => {
    expect(await zoneOf(await connectFromBrowserIn("Asia/Tokyo", "kenji@example.com"))).toBe("Asia/Tokyo");
  });

  it("prefers the calendar's own zone to the browser's (a laptop abroad)", async () => {
    expect(await zoneOf(await connectFromBrowserIn("Asia/Tokyo", "olga@example.com"))).toBe("Europe/Moscow");
  });

  it("connects anyway, on UTC, when the zone cannot be read, and says so in the log", async () => {
    harness.emulator.control.addFault({ method: "GET", path: "/v1.0/me/mailboxSettings", kind: "serverError", status: 503 });
    const browser = await connectAs(harness, "microsoft", "flaky@contoso.example");
    expect(await zoneOf(browser)).toBe("UTC");
    expect(harness.logs.text()).toContain("could not read the calendar's time zone");
  });
});
