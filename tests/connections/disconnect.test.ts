import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/run-job.js";
import { syncJob } from "../../jobs/sync.js";
import { TASKS_CHANNEL } from "../../src/tasks/sql/enqueue-task.js";
import { CookieClient } from "../support/cookie-client.js";
import { meetingsOf, waitForMeeting } from "../support/connect.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { startHttpsProxy, type HttpsProxy } from "../sync/https-proxy.js";
import { connectionOf, settleTasks, type Kind } from "../sync/support.js";

const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const accounts: Record<Kind, string> = { google: "ann@example.com", microsoft: "cam@contoso.example" };

/**
 * DELETE /api/connections/:id end to end, with push on (https PUBLIC_URL through a proxy) so
 * there is a Google channel and a Graph subscription to stop: Google's connection is removed
 * with its meetings, Microsoft's is disconnected keeping them.
 */
describe("disconnecting a calendar", () => {
  let proxy: HttpsProxy;
  let harness: Harness;
  const browsers = {} as Record<Kind, CookieClient>;
  const ids = {} as Record<Kind, string>;
  /** the refresh tokens the emulator issued, read (unsealed) before the disconnect */
  const refreshTokens = {} as Record<Kind, string>;

  const disconnect = (browser: CookieClient, id: string, keepMeetings: boolean) => browser.fetch(`/api/connections/${id}?keepMeetings=${keepMeetings}`, { method: "DELETE" });
  const refreshAtEmulator = (refreshToken: string) =>
    fetch(harness.emulator.env.GOOGLE_TOKEN_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: harness.emulator.env.GOOGLE_CLIENT_ID, client_secret: harness.emulator.env.GOOGLE_CLIENT_SECRET }),
    });

  beforeAll(async () => {
    proxy = await startHttpsProxy();
    harness = await startHarness({ env: { PUBLIC_URL: proxy.url } });
    proxy.setTarget(Number(new URL(harness.baseUrl).port));
    const { control } = harness.emulator;
    const { db, sealer } = harness.service.services;
    for (const provider of ["google", "microsoft"] as const) {
      control.addUser({ provider, email: accounts[provider] });
      control.createEvent(accounts[provider], { summary: "Client call", start: at(2 * HOUR), end: at(3 * HOUR), attendees: [{ email: accounts[provider], response: "accepted" }, { email: "dana@client.example", response: "accepted" }] }, provider);
      control.setNextLogin(provider, accounts[provider]);
      const browser = new CookieClient(proxy.url);
      const { hops } = await browser.follow(`/auth/${provider}`);
      expect(hops.at(-1)).toBe(`${proxy.url}/?connected=${provider}`);
      browsers[provider] = browser;
      await waitForMeeting(browser, "Client call", () => true);
      const connection = await connectionOf(harness, provider, accounts[provider]);
      ids[provider] = connection.id;
      refreshTokens[provider] = sealer.open(connection.refreshTokenSealed!, connection.id);
    }
    // Open the push channel / subscription now rather than 30 s after connect.
    await settleTasks(harness);
    await db.task.updateMany({ where: { kind: "maintain_push", status: "queued" }, data: { dueAt: new Date() } });
    await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;
    await settleTasks(harness);
    await control.settleWebhooks();
    expect(control.channels().filter((channel) => !channel.stopped)).toHaveLength(1);
    expect(control.subscriptions().filter((subscription) => !subscription.deleted)).toHaveLength(1);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await proxy?.close();
  });

  it("answers 404 for another user's connection (and changes nothing)", async () => {
    const reply = await disconnect(browsers.microsoft, ids.google, false);
    expect(reply.status).toBe(404);
    expect(await reply.json()).toMatchObject({ error: { code: "connection_not_found" } });
    expect((await connectionOf(harness, "google", accounts.google)).status).toBe("active");
    expect(harness.emulator.control.channels().filter((channel) => !channel.stopped)).toHaveLength(1);
  });

  it("Google, remove meetings: channel stopped and grant revoked at Google, connection and meetings gone", async () => {
    const { control } = harness.emulator;
    control.clearRequests();
    const reply = await disconnect(browsers.google, ids.google, false);
    expect(reply.status).toBe(204);
    expect(control.channels().every((channel) => channel.stopped)).toBe(true);
    expect(control.requests({ method: "POST", pathPrefix: "/revoke" })).toHaveLength(1);
    // The refresh token no longer works at Google.
    const refreshed = await refreshAtEmulator(refreshTokens.google);
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
    const { db } = harness.service.services;
    expect(await db.connection.findUnique({ where: { id: ids.google } })).toBeNull();
    expect(await db.meeting.count({ where: { connectionId: ids.google } })).toBe(0);
    expect(await meetingsOf(browsers.google)).toEqual([]);
    const listed = await browsers.google.json<{ connections: unknown[] }>("/api/connections");
    expect(listed.body.connections).toEqual([]);
  });

  it("Microsoft, keep meetings: subscription deleted, no revoke call (Graph has none), tokens forgotten, meetings kept but no longer synced or watched", async () => {
    const { control } = harness.emulator;
    const { db } = harness.service.services;
    expect((await db.meeting.findMany({ where: { connectionId: ids.microsoft } })).map((meeting) => meeting.watched)).toEqual([true]);
    control.clearRequests();
    const reply = await disconnect(browsers.microsoft, ids.microsoft, true);
    expect(reply.status).toBe(204);
    expect(control.subscriptions().every((subscription) => subscription.deleted)).toBe(true);
    // The identity platform has no per-grant revocation endpoint: nothing is called there.
    expect(control.requests({ pathPrefix: "/common/oauth2" })).toHaveLength(0);

    const connection = await db.connection.findUniqueOrThrow({ where: { id: ids.microsoft } });
    expect(connection).toMatchObject({ status: "disconnected", accessTokenSealed: null, refreshTokenSealed: null, pushStatus: "none" });
    expect(await db.pushChannel.count({ where: { connectionId: ids.microsoft, stoppedAt: null } })).toBe(0);
    const kept = await db.meeting.findMany({ where: { connectionId: ids.microsoft } });
    expect(kept.map((meeting) => meeting.title)).toEqual(["Client call"]);
    expect(kept.every((meeting) => !meeting.watched)).toBe(true);
    expect((await meetingsOf(browsers.microsoft)).map((meeting) => meeting.title)).toEqual(["Client call"]);
    // GET /api/connections no longer lists it.
    expect((await browsers.microsoft.json<{ connections: unknown[] }>("/api/connections")).body.connections).toEqual([]);

    // A change at Microsoft afterwards is not synced: the poll skips the connection and calls nobody.
    control.createEvent(accounts.microsoft, { summary: "After disconnect", start: at(4 * HOUR), end: at(5 * HOUR) }, "microsoft");
    control.clearRequests();
    const outcome = await runJob(syncJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });
    expect(outcome.status === "done" && outcome.summary).toMatchObject({ connections: 0 });
    expect(control.requests({ pathPrefix: "/v1.0/" })).toHaveLength(0);
    expect(await db.meeting.count({ where: { connectionId: ids.microsoft, title: "After disconnect" } })).toBe(0);
  });

  it("answers 404 once a connection is gone", async () => {
    expect((await disconnect(browsers.google, ids.google, true)).status).toBe(404);
  });
});
