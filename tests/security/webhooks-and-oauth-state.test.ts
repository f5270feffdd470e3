import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/calendars/connections/pkce.js";
import { CookieClient } from "../support/cookie-client.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startHarness, type Harness } from "../support/service-harness.js";

/**
 * What tests/sync/push.test.ts (wrong channel token, no token, forged clientState, a
 * redelivered notification) and tests/connections (a replayed or foreign OAuth callback)
 * already prove is not repeated here; this adds stale channels, a missing clientState, an
 * expired OAuth state and a replay raced against the original.
 */
describe("webhook signatures and OAuth state", () => {
  let harness: Harness;
  let connectionId: string;
  const SECRET = "channel-secret-for-the-security-test";
  const syncTasks = () => harness.service.services.db.task.count({ where: { kind: "sync_connection", payload: { path: ["connectionId"], equals: connectionId } } });
  const google = (channelId: string, token: string | undefined) =>
    fetch(`${harness.baseUrl}/webhooks/google`, {
      method: "POST",
      headers: { "x-goog-channel-id": channelId, ...(token ? { "x-goog-channel-token": token } : {}), "x-goog-resource-state": "exists", "x-goog-message-number": String(Math.floor(Math.random() * 1e9)) },
    });

  beforeAll(async () => {
    harness = await startHarness();
    const { db } = harness.service.services;
    const seeded = await seedUserWithMeetings(db, { meetings: [] });
    connectionId = (await db.connection.findFirstOrThrow({ where: { userId: seeded.userId } })).id;
    const channel = (externalId: string, expiresAt: Date, stoppedAt: Date | null = null) =>
      db.pushChannel.create({ data: { connectionId, providerCalendarId: "primary", externalId, secretHash: sha256Hex(SECRET), expiresAt, stoppedAt } });
    await channel("live-channel", new Date(Date.now() + 86_400_000));
    await channel("expired-channel", new Date(Date.now() - 60_000));
    await channel("stopped-channel", new Date(Date.now() + 86_400_000), new Date(Date.now() - 60_000));
    await channel("graph-subscription", new Date(Date.now() + 86_400_000));
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("a correctly signed notification on a live channel queues a sync (the control case)", async () => {
    const before = await syncTasks();
    const response = await google("live-channel", SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 1, queued: 1 });
    expect(await syncTasks()).toBe(before + 1);
  });

  it.each([
    ["an expired channel", "expired-channel"],
    ["a stopped channel", "stopped-channel"],
  ])("a correctly signed notification on %s queues no sync", async (_label, channelId) => {
    const before = await syncTasks();
    const response = await google(channelId, SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 1, queued: 0 });
    expect(await syncTasks()).toBe(before);
  });

  it("a Google notification without a token, or with a prefix of it, is refused", async () => {
    const before = await syncTasks();
    for (const token of [undefined, SECRET.slice(0, 10), `${SECRET}x`]) {
      const response = await google("live-channel", token);
      expect(response.status).toBe(401);
    }
    expect(await syncTasks()).toBe(before);
  });

  it("a Graph notification without clientState queues nothing", async () => {
    const before = await syncTasks();
    for (const clientState of [undefined, null, ""]) {
      const response = await fetch(`${harness.baseUrl}/webhooks/microsoft`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ value: [{ subscriptionId: "graph-subscription", ...(clientState === undefined ? {} : { clientState }), changeType: "updated" }] }),
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ received: 1, queued: 0 });
    }
    expect(await syncTasks()).toBe(before);
  });

  describe("OAuth state", () => {
    /** Runs the flow up to the provider's redirect back, without following it. */
    async function callbackUrl(browser: CookieClient, email: string): Promise<string> {
      harness.emulator.control.addUser({ provider: "google", email });
      harness.emulator.control.setNextLogin("google", email);
      let next = `${harness.baseUrl}/auth/google`;
      for (let hop = 0; hop < 10; hop += 1) {
        if (next.startsWith(`${harness.baseUrl}/auth/google/callback`)) return next;
        const location = (await browser.fetch(next)).headers.get("location");
        if (!location) break;
        next = new URL(location, next).toString();
      }
      throw new Error("the flow never came back to the callback");
    }

    it("an expired state is refused", async () => {
      const browser = new CookieClient(harness.baseUrl);
      const url = await callbackUrl(browser, "late-clicker@example.com");
      const state = new URL(url).searchParams.get("state")!;
      await harness.service.services.db.oAuthState.update({ where: { state }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const response = await browser.fetch(url);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("expired");
      expect(await harness.service.services.db.user.count({ where: { email: "late-clicker@example.com" } })).toBe(0);
    });

    it("the same callback sent twice at once signs in once", async () => {
      const browser = new CookieClient(harness.baseUrl);
      const url = await callbackUrl(browser, "double-clicker@example.com");
      const statuses = (await Promise.all([browser.fetch(url), browser.fetch(url)])).map((response) => response.status).sort();
      expect(statuses).toEqual([302, 400]);
      expect(await harness.service.services.db.connection.count({ where: { accountEmail: "double-clicker@example.com" } })).toBe(1);
    });
  });
});
