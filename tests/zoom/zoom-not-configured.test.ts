import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/** Zoom is optional: without ZOOM_* the service offers no "Connect Zoom" and refuses its webhooks, and nothing else changes. */
describe("without Zoom configured", () => {
  let harness: Harness;
  let ann: CookieClient;

  beforeAll(async () => {
    harness = await startHarness({ env: { ZOOM_CLIENT_ID: "", ZOOM_CLIENT_SECRET: "", ZOOM_WEBHOOK_SECRET_TOKEN: "" } });
    harness.emulator.control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    harness.emulator.control.createEvent("ann@example.com", { summary: "Zoom with Jo", start: new Date(Date.now() + 3600_000).toISOString(), end: new Date(Date.now() + 5400_000).toISOString(), location: "https://zoom.us/j/81234567890", attendees: [{ email: "ann@example.com", response: "accepted" }, { email: "jo@client.example", response: "accepted" }] });
    ann = await connectAs(harness, "google", "ann@example.com");
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("says Zoom is not available, and /auth/zoom and /webhooks/zoom answer 404", async () => {
    expect((await ann.json<{ zoom: unknown }>("/api/connections")).body.zoom).toEqual({ available: false, connection: null });
    const start = await ann.fetch("/auth/zoom");
    expect(start.status).toBe(404);
    expect(await start.text()).toContain("ZOOM_CLIENT_ID");
    const webhook = await fetch(`${harness.baseUrl}/webhooks/zoom`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(webhook.status).toBe(404);
  });
});
