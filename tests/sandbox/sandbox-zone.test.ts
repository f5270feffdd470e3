import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient } from "../support/cookie-client.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/**
 * The sandbox user is one per server, so it can exist before this browser comes: made by a
 * request without a zone on a UTC server, it still says UTC. The next sign-in from a browser
 * that names its zone takes that zone, unless the user chose one.
 */
describe("the sandbox user's zone at sign-in", () => {
  let harness: Harness;
  const signIn = async (body: Record<string, string>) => {
    const browser = new CookieClient(harness.baseUrl);
    const response = await browser.fetch("/auth/sandbox", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(303);
    return browser;
  };
  const zoneOf = async (browser: CookieClient) => (await browser.json<{ timeZone: string }>("/api/settings")).body.timeZone;

  beforeAll(async () => {
    harness = await startHarness({ env: { SANDBOX: "true" } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("takes the browser's zone when the settings still hold the default (UTC)", async () => {
    const first = await signIn({});
    // As on a UTC server: the user was made before anyone named a zone.
    expect((await first.json("/api/settings", { method: "PUT", body: JSON.stringify({ timeZone: "UTC" }) })).status).toBe(200);
    const tokyo = await signIn({ timeZone: "Asia/Tokyo" });
    expect(await zoneOf(tokyo)).toBe("Asia/Tokyo");
  });

  it("never overwrites a zone the user chose", async () => {
    const browser = await signIn({ timeZone: "Asia/Tokyo" });
    expect((await browser.json("/api/settings", { method: "PUT", body: JSON.stringify({ timeZone: "Europe/Berlin" }) })).status).toBe(200);
    expect(await zoneOf(await signIn({ timeZone: "America/New_York" }))).toBe("Europe/Berlin");
  });

  it("writes the twelve weeks of history once, however many sign-ins", async () => {
    const count = () => harness.service.services.db.meeting.count({ where: { providerEventId: { startsWith: "history:" } } });
    const before = await count();
    expect(before).toBeGreaterThan(50);
    await signIn({});
    expect(await count()).toBe(before);
    // Settled before the sample connection was made: final, nothing due, nothing asked.
    const due = await harness.service.services.db.meeting.count({ where: { providerEventId: { startsWith: "history:" }, OR: [{ nextCheckAt: { not: null } }, { state: { notIn: ["attended", "missed"] } }] } });
    expect(due).toBe(0);
    expect(await harness.service.services.db.alert.count({ where: { meeting: { providerEventId: { startsWith: "history:" } } } })).toBe(0);
  });
});
