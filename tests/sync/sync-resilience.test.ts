import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/run-job.js";
import { syncJob } from "../../jobs/sync.js";
import { systemClock } from "../../src/platform/clock.js";
import { createServices, type Services } from "../../src/app/services.js";
import { syncConnection } from "../../src/calendars/sync/sync-connection.js";
import { extendSyncLease, releaseSyncLease, SYNC_LEASE_MS, takeSyncLease } from "../../src/calendars/sync/sync-lease.js";
import { requestSync } from "../../src/calendars/sync/sync-task.js";
import type { CookieClient } from "../support/cookie-client.js";
import { connectAs, meetingsOf, waitForMeeting } from "../support/connect.js";
import { capturedLogger } from "../support/log-capture.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectionOf, eventually, settleTasks, type Kind } from "./support.js";

const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** The events-list call of each provider, as a fault-injection glob. */
const LIST_PATH: Record<Kind, string> = { google: "/calendar/v3/calendars/*/events", microsoft: "/v1.0/me/calendarView/delta" };
const isList = (path: string) => path.endsWith("/events") || path.endsWith("/calendarView/delta");

describe("sync under throttling, revoked grants and concurrency", () => {
  let harness: Harness;
  const browsers = new Map<string, CookieClient>();
  const job = () => runJob(syncJob, { ...harness.service.services, signal: new AbortController().signal }, { waitForLock: true });

  async function connect(provider: Kind, email: string): Promise<CookieClient> {
    const { control } = harness.emulator;
    control.addUser({ provider, email });
    control.createEvent(email, { summary: `${email} first`, start: at(3 * HOUR), end: at(4 * HOUR), attendees: [{ email, response: "accepted" }, { email: "dana@client.example", response: "accepted" }] }, provider);
    const browser = await connectAs(harness, provider, email);
    await waitForMeeting(browser, `${email} first`, () => true);
    browsers.set(email, browser);
    return browser;
  }

  beforeAll(async () => {
    harness = await startHarness();
    for (const [provider, email] of [
      ["google", "gus@example.com"],
      ["microsoft", "mia@contoso.example"],
      ["google", "fast@example.com"],
      ["google", "slow@example.com"],
      ["google", "rita@example.com"],
      ["microsoft", "rex@contoso.example"],
      ["google", "pat@example.com"],
    ] as const) {
      await connect(provider, email);
    }
    await settleTasks(harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  describe.each([
    ["google", "gus@example.com"],
    ["microsoft", "mia@contoso.example"],
  ] as const)("429 with Retry-After on %s", (provider, email) => {
    it("backs off for as long as asked, says so in words and in the API, then catches up with nothing lost", async () => {
      const { control } = harness.emulator;
      const { db, sync } = harness.service.services;
      const connection = await connectionOf(harness, provider, email);
      control.addFault({ method: "GET", path: LIST_PATH[provider], kind: "rateLimit", retryAfterSeconds: 120, times: 1 });
      control.createEvent(email, { summary: "Booked during the throttle", start: at(5 * HOUR), end: at(6 * HOUR), attendees: [{ email, response: "accepted" }, { email: "eve@client.example", response: "accepted" }] }, provider);

      const before = Date.now();
      const outcome = await syncConnection(connection.id, sync);
      expect(outcome.status).toBe("backing_off");
      const row = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
      const waitMs = row.backoffUntil!.getTime() - before;
      expect(waitMs).toBeGreaterThanOrEqual(119_000);
      expect(waitMs).toBeLessThanOrEqual(125_000);
      expect(row.lastSyncError).toMatch(/rate limited/);
      expect(row.status).toBe("active");

      const api = await browsers.get(email)!.json<{ connections: Array<{ id: string; backoffUntil: string | null; lastError: string | null; status: string }> }>("/api/connections");
      expect(api.body.connections.find((c) => c.id === connection.id)).toMatchObject({ status: "active", backoffUntil: row.backoffUntil!.toISOString(), lastError: row.lastSyncError });

      // While backing off, neither a direct sync nor the job calls the provider for it.
      control.clearFaults();
      control.clearRequests();
      expect(await syncConnection(connection.id, sync)).toEqual({ status: "skipped", reason: "backing_off" });
      const summary = await job();
      expect(summary.status).toBe("done");
      const calls = control.requests().filter((r) => isList(r.path) && (provider === "microsoft" ? r.headers["authorization"] !== undefined : r.path.includes(encodeURIComponent(email))));
      if (provider === "google") expect(calls).toEqual([]);
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id }, select: { backoffUntil: true } })).toEqual({ backoffUntil: row.backoffUntil });

      // The backoff has passed (backdated rather than waited for): the sync catches up.
      await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: new Date(Date.now() - 1000) } });
      expect(await syncConnection(connection.id, sync)).toMatchObject({ status: "synced" });
      const titles = (await meetingsOf(browsers.get(email)!)).map((m) => m.title);
      expect(titles).toEqual(expect.arrayContaining([`${email} first`, "Booked during the throttle"]));
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ lastSyncError: null, backoffUntil: null, backoffAttempts: 0 });
    });
  });

  it("a slow connection and a throttled one do not hold up another connection's sync in the job", async () => {
    const { control } = harness.emulator;
    const { db } = harness.service.services;
    await settleTasks(harness);
    const fast = await connectionOf(harness, "google", "fast@example.com");
    const slow = await connectionOf(harness, "google", "slow@example.com");
    control.createEvent("fast@example.com", { summary: "Fast change", start: at(7 * HOUR), end: at(8 * HOUR) }, "google");
    control.createEvent("slow@example.com", { summary: "Slow change", start: at(7 * HOUR), end: at(8 * HOUR) }, "google");
    control.addFault({ method: "GET", path: "/calendar/v3/calendars/slow*/events", kind: "delay", delayMs: 2_500, times: 1 });
    control.addFault({ method: "GET", path: LIST_PATH.microsoft, kind: "rateLimit", retryAfterSeconds: 60, times: 1 });

    const started = Date.now();
    const running = job();
    const fastDone = await eventually(async () => {
      const row = await db.connection.findUniqueOrThrow({ where: { id: fast.id } });
      return row.lastSyncAt && row.lastSyncAt.getTime() >= started ? Date.now() - started : undefined;
    }, 10_000, "fast connection synced");
    const outcome = await running;
    const took = Date.now() - started;
    control.clearFaults();
    expect(fastDone).toBeLessThan(1_500);
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(outcome).toMatchObject({ status: "done", summary: { backingOff: 1 } });
    expect(await meetingsOf(browsers.get("fast@example.com")!)).toEqual(expect.arrayContaining([expect.objectContaining({ title: "Fast change" })]));
    expect(await meetingsOf(browsers.get("slow@example.com")!)).toEqual(expect.arrayContaining([expect.objectContaining({ title: "Slow change" })]));
    // The fault hits whichever Microsoft connection the job reached first: that one waits a minute.
    const throttled = await db.connection.findMany({ where: { backoffUntil: { not: null } } });
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ provider: "microsoft" });
    expect(throttled[0]!.backoffUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await db.connection.updateMany({ data: { backoffUntil: null, backoffAttempts: 0 } });
  });

  describe.each([
    ["google", "rita@example.com"],
    ["microsoft", "rex@contoso.example"],
  ] as const)("a revoked refresh token on %s", (provider, email) => {
    it("marks the connection needs_reauth with exactly one alert, stops polling it, and a reconnect restores it", async () => {
      const { control } = harness.emulator;
      const { db, sync } = harness.service.services;
      await settleTasks(harness);
      const connection = await connectionOf(harness, provider, email);
      control.revokeRefreshTokens(email, provider);
      control.expireAccessTokens(email, provider);
      control.clearRequests();

      expect(await syncConnection(connection.id, sync)).toEqual({ status: "needs_reauth" });
      const theirTokens = new Set(control.requests().flatMap((r) => (r.headers["authorization"]?.startsWith("Bearer ") ? [r.headers["authorization"]] : [])));
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ status: "needs_reauth", lastSyncError: expect.stringMatching(/revoked/) });

      // More attempts: direct syncs and job runs.
      control.clearRequests();
      expect(await syncConnection(connection.id, sync)).toEqual({ status: "skipped", reason: "inactive" });
      expect(control.requests()).toEqual([]);
      for (let run = 0; run < 2; run += 1) expect((await job()).status).toBe("done");
      const alerts = await db.alert.findMany({ where: { connectionId: connection.id, kind: "needs_reauth" } });
      expect(alerts).toHaveLength(1);
      // Not polled: no token refresh, no call with its (dead) token, no call on its calendar.
      const requests = control.requests();
      expect(requests.filter((r) => r.path.endsWith("/token"))).toEqual([]);
      expect(requests.filter((r) => theirTokens.has(r.headers["authorization"] ?? ""))).toEqual([]);
      expect(requests.filter((r) => r.path.includes(encodeURIComponent(email)))).toEqual([]);
      const listed = await browsers.get(email)!.json<{ connections: Array<{ status: string }> }>("/api/connections");
      expect(listed.body.connections).toMatchObject([{ status: "needs_reauth" }]);

      // Connecting the same account again restores it, and it really works: a later refresh succeeds.
      await connectAs(harness, provider, email);
      await settleTasks(harness);
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ status: "active", lastSyncError: null });
      control.expireAccessTokens(email, provider);
      await db.connection.update({ where: { id: connection.id }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
      expect(await syncConnection(connection.id, sync)).toMatchObject({ status: "synced" });

      // A later revocation alerts again, once.
      control.revokeRefreshTokens(email, provider);
      control.expireAccessTokens(email, provider);
      expect(await syncConnection(connection.id, sync)).toEqual({ status: "needs_reauth" });
      await job();
      expect(await db.alert.count({ where: { connectionId: connection.id, kind: "needs_reauth" } })).toBe(2);
    });
  });

  describe("two syncs of one connection at once", () => {
    let second: Services;

    beforeAll(async () => {
      const { services } = harness.service;
      if (!services.config.tokenKeys) throw new Error("the harness configures TOKEN_ENCRYPTION_KEY");
      // A second instance: its own pools and locks, the same database.
      second = createServices(services.config, { url: services.databaseUrl, tokenKeys: services.config.tokenKeys, stop: async () => {} }, systemClock, capturedLogger().log);
    });

    afterAll(async () => {
      await second?.close();
    });

    async function race(runA: Services["sync"], runB: Services["sync"], label: string) {
      const { control } = harness.emulator;
      const { db } = harness.service.services;
      await settleTasks(harness);
      const connection = await connectionOf(harness, "google", "pat@example.com");
      for (let i = 0; i < 3; i += 1) control.createEvent("pat@example.com", { summary: `${label} ${i}`, start: at((10 + i) * HOUR), end: at((11 + i) * HOUR) }, "google");
      // Slow provider answers keep the first sync inside its lock while the second arrives.
      control.addFault({ method: "GET", path: "/calendar/v3/calendars/pat*/events", kind: "delay", delayMs: 400, times: 2 });
      const outcomes = await Promise.all([syncConnection(connection.id, runA), syncConnection(connection.id, runB)]);
      control.clearFaults();
      expect(outcomes.map((o) => o.status).sort()).toEqual(["skipped", "synced"]);
      expect(outcomes.find((o) => o.status === "skipped")).toEqual({ status: "skipped", reason: "busy" });

      const duplicates = await db.$queryRaw<Array<{ n: bigint }>>`
        select count(*) as n from (select provider_event_id from meetings where connection_id = ${connection.id}::uuid group by provider_event_id having count(*) > 1) d`;
      expect(Number(duplicates[0]!.n)).toBe(0);
      const titles = (await db.meeting.findMany({ where: { connectionId: connection.id } })).map((m) => m.title);
      for (let i = 0; i < 3; i += 1) expect(titles.filter((t) => t === `${label} ${i}`)).toHaveLength(1);
      // The busy one told the running one to go again: it queued one more sync as it ended.
      expect(await db.task.count({ where: { kind: "sync_connection", idempotencyKey: { startsWith: `sync:${connection.id}:asked-during-round:` } } })).toBeGreaterThanOrEqual(1);
      await settleTasks(harness);
      // The stored cursor is a valid one: the next round uses it incrementally.
      const calendar = await db.calendar.findFirstOrThrow({ where: { connectionId: connection.id } });
      control.clearRequests();
      expect(await syncConnection(connection.id, runA)).toMatchObject({ status: "synced", fullRounds: 0 });
      expect(control.requests().filter((r) => isList(r.path)).map((r) => r.query["syncToken"])).toEqual([calendar.syncCursor]);
    }

    it("within one instance: one syncs, the other reports busy, no duplicates", async () => {
      await race(harness.service.services.sync, harness.service.services.sync, "Same instance");
    });

    it("across two instances on one database: the same", async () => {
      await race(harness.service.services.sync, second.sync, "Two instances");
    });

    it("a queued sync task that finds the connection busy ends at once; the running sync queues one more as it ends", async () => {
      const { db, clock } = harness.service.services;
      await settleTasks(harness);
      const connection = await connectionOf(harness, "google", "pat@example.com");
      // Another instance's sync holds the connection's lease (and no database connection).
      expect(await takeSyncLease(second.db, connection.id, "another-instance", clock.now())).toBe(true);
      harness.emulator.control.createEvent("pat@example.com", { summary: "After the busy one", start: at(20 * HOUR), end: at(21 * HOUR) }, "google");
      const now = clock.now();
      await db.$transaction((tx) => requestSync(tx, connection.id, `test-busy:${now.toISOString()}`, now));
      const task = await eventually(
        () => db.task.findFirst({ where: { idempotencyKey: `sync:${connection.id}:test-busy:${now.toISOString()}`, status: "done" } }).then((t) => t ?? undefined),
        10_000,
        "busy sync task done",
      );
      // Done on its first attempt, no retry, no error: the holder was told to go again.
      expect(task).toMatchObject({ attempts: 1, lastError: null });
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ syncAgain: true, syncLeaseOwner: "another-instance" });
      expect(await releaseSyncLease(second.db, connection.id, "another-instance", clock.now())).toBe(true);
      await waitForMeeting(browsers.get("pat@example.com")!, "After the busy one", () => true);
      expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ syncAgain: false, syncLeaseOwner: null, syncLeaseUntil: null });
    });

    it("a lease its process left behind (killed mid-round) lapses, and the next sync takes it over", async () => {
      const { db, sync, clock } = harness.service.services;
      await settleTasks(harness);
      const connection = await connectionOf(harness, "google", "pat@example.com");
      expect(await takeSyncLease(db, connection.id, "killed-process", clock.now())).toBe(true);
      expect(await syncConnection(connection.id, sync)).toEqual({ status: "skipped", reason: "busy" });
      // As if the lease had been taken SYNC_LEASE_MS ago and never extended.
      await db.connection.update({ where: { id: connection.id }, data: { syncLeaseUntil: new Date(clock.now().getTime() - 1) } });
      expect(await syncConnection(connection.id, sync)).toMatchObject({ status: "synced" });
      // The killed process cannot give back what it no longer holds, nor extend it.
      expect(await releaseSyncLease(db, connection.id, "killed-process", clock.now())).toBe(false);
      expect(await extendSyncLease(db, connection.id, "killed-process", clock.now())).toBe(false);
      expect(SYNC_LEASE_MS).toBeLessThanOrEqual(60_000);
      await settleTasks(harness);
    });
  });

  it("a user never sees or acts on another user's meetings and connections", async () => {
    const { db } = harness.service.services;
    const gus = browsers.get("gus@example.com")!;
    const fast = browsers.get("fast@example.com")!;
    const gusConnection = await connectionOf(harness, "google", "gus@example.com");
    const gusMeeting = await db.meeting.findFirstOrThrow({ where: { connectionId: gusConnection.id } });
    const wide = `?from=${at(-72 * HOUR)}&to=${at(30 * 24 * HOUR)}`;
    const fastSees = await meetingsOf(fast, wide);
    expect(fastSees.length).toBeGreaterThan(0);
    expect(fastSees.every((m) => m.connectionId !== gusConnection.id)).toBe(true);
    const connections = await fast.json<{ connections: Array<{ id: string }> }>("/api/connections");
    expect(connections.body.connections.map((c) => c.id)).not.toContain(gusConnection.id);
    for (const path of [`/api/meetings/${gusMeeting.id}/confirm`, `/api/meetings/${gusMeeting.id}/attended`]) {
      const reply = await fast.json(path, { method: "POST", body: JSON.stringify(path.endsWith("confirm") ? { missed: true } : {}) });
      expect(reply.status).toBe(404);
    }
    const removal = await fast.fetch(`/api/connections/${gusConnection.id}`, { method: "DELETE" });
    expect(removal.status).toBe(404);
    expect(await db.connection.findUnique({ where: { id: gusConnection.id } })).not.toBeNull();
    expect((await meetingsOf(gus, wide)).some((m) => m.id === gusMeeting.id)).toBe(true);
  });
});
