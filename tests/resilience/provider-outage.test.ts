import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TASKS_CHANNEL } from "../../src/tasks/sql/enqueue-task.js";
import { requestSync } from "../../src/calendars/sync/sync-task.js";
import { connectAs, meetingsOf, waitForMeeting } from "../support/connect.js";
import type { CookieClient } from "../support/cookie-client.js";
import { sampleValue } from "../support/prometheus.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { connectionOf, eventually, settleTasks } from "../sync/support.js";

const HOUR = 3_600_000;
const FAILURES = 3;
const LIST_PATH = { google: "/calendar/v3/calendars/*/events", microsoft: "/v1.0/me/calendarView/delta" } as const;
const isList = (path: string) => path.endsWith("/events") || path.endsWith("/calendarView/delta");
const accounts = { google: "gus@example.com", microsoft: "mia@contoso.example" } as const;

/**
 * The provider answers 500 to every listing for a while. A queued sync (as a push
 * notification queues one) fails, backs off with a growing attempt count, is retried by the
 * task table rather than dropped, and catches up with every change made during the outage
 * once the provider is back. Backoffs are brought forward rather than waited for.
 */
describe.each(["google", "microsoft"] as const)("the provider answering 500 for a while (%s)", (provider) => {
  let harness: Harness;
  let browser: CookieClient;
  const at = (offset: number) => new Date(Date.now() + offset).toISOString();

  beforeAll(async () => {
    harness = await startHarness();
    harness.emulator.control.addUser({ provider, email: accounts[provider] });
    harness.emulator.control.createEvent(accounts[provider], { summary: "Before the outage", start: at(2 * HOUR), end: at(3 * HOUR) }, provider);
    browser = await connectAs(harness, provider, accounts[provider]);
    await waitForMeeting(browser, "Before the outage", () => true);
    await settleTasks(harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("backs off, retries the queued sync, and catches up with nothing lost", async () => {
    const { control } = harness.emulator;
    const { db } = harness.service.services;
    const connection = await connectionOf(harness, provider, accounts[provider]);
    control.addFault({ method: "GET", path: LIST_PATH[provider], kind: "serverError", status: 500, times: FAILURES });
    control.createEvent(accounts[provider], { summary: "Booked during the outage", start: at(4 * HOUR), end: at(5 * HOUR) }, provider);
    control.createEvent(accounts[provider], { summary: "Also booked during the outage", start: at(6 * HOUR), end: at(7 * HOUR) }, provider);
    control.clearRequests();

    const key = `sync:${connection.id}:outage-test`;
    await db.$transaction((tx) => requestSync(tx, connection.id, "outage-test", new Date()));
    await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;

    for (let attempt = 1; attempt <= FAILURES; attempt += 1) {
      const row = await eventually(async () => {
        const found = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
        return found.backoffAttempts === attempt ? found : undefined;
      }, 10_000, `failure ${attempt} recorded`);
      // Backoff with full jitter under a ceiling that doubles from 30 s.
      const waitMs = row.backoffUntil!.getTime() - row.lastErrorAt!.getTime();
      expect(waitMs).toBeGreaterThanOrEqual(0);
      expect(waitMs).toBeLessThanOrEqual(30_000 * 2 ** (attempt - 1));
      expect(row.lastSyncError).toBeTruthy();
      expect(row.status).toBe("active");
      // The queued sync is not dropped: it waits for the backoff to end.
      const task = await eventually(async () => {
        const found = await db.task.findUniqueOrThrow({ where: { idempotencyKey: key } });
        return found.status === "queued" && found.attempts === attempt ? found : undefined;
      }, 10_000, `task queued again after failure ${attempt}`);
      expect(task.dueAt.getTime()).toBeGreaterThanOrEqual(row.backoffUntil!.getTime() - 1000);
      // Exactly one listing per attempt: nobody hammers the provider while it is down.
      expect(control.requests().filter((r) => r.method === "GET" && isList(r.path))).toHaveLength(attempt);
      // The backoff has passed (brought forward rather than waited for).
      await db.connection.update({ where: { id: connection.id }, data: { backoffUntil: new Date(Date.now() - 1000) } });
      await db.task.update({ where: { idempotencyKey: key }, data: { dueAt: new Date() } });
      await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;
    }

    await eventually(async () => (await db.task.findUniqueOrThrow({ where: { idempotencyKey: key } })).status === "done", 10_000, "the sync task done");
    const titles = (await meetingsOf(browser)).map((m) => m.title);
    expect(titles).toEqual(expect.arrayContaining(["Before the outage", "Booked during the outage", "Also booked during the outage"]));
    expect(await db.meeting.count({ where: { connectionId: connection.id, title: "Booked during the outage" } })).toBe(1);
    expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ backoffAttempts: 0, backoffUntil: null, lastSyncError: null });
    expect((await db.task.findUniqueOrThrow({ where: { idempotencyKey: key } })).attempts).toBe(FAILURES + 1);

    const metrics = await harness.service.services.metrics.scrape();
    expect(sampleValue(metrics, "makegood_provider_calls_total", { provider, operation: "syncPages", status: "transient" })).toBe(FAILURES);
    expect(sampleValue(metrics, "makegood_tasks_failed_total", { kind: "sync_connection", outcome: "retry" })).toBe(FAILURES);
  }, 60_000);
});
