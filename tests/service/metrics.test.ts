import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncConnection } from "../../src/calendars/sync/sync-connection.js";
import { enqueueTasks } from "../../src/tasks/sql/enqueue-task.js";
import { CookieClient } from "../support/cookie-client.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import { sampleValue } from "../support/prometheus.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { settleTasks } from "../sync/support.js";

const MINUTE = 60_000;
const TOKEN = "metrics-token-for-the-test-0123456789";

/**
 * /metrics after the real loop: connect through the emulator's OAuth, sync, detection of a
 * meeting already running late, its alert delivered, a push notification, a task that fails.
 */
describe("GET /metrics", () => {
  let harness: Harness;
  let ann: CookieClient;
  const at = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * MINUTE).toISOString();
  const scrape = async () => {
    const response = await fetch(`${harness.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    harness = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    const { control } = harness.emulator;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    const guests = [
      { email: "ann@example.com", response: "accepted" as const },
      { email: "dana@client.example", name: "Dana Smith", response: "accepted" as const },
    ];
    control.createEvent("ann@example.com", { summary: "Running late now", start: at(-12), end: at(30), attendees: guests, meet: true });
    ann = await connectAs(harness, "google", "ann@example.com");
    await waitForMeeting(ann, "Running late now", (m) => m.state === "late");
    await settleTasks(harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    const anonymous = await fetch(`${harness.baseUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthenticated" } });
    expect((await fetch(`${harness.baseUrl}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
  });

  it("counts the sync, the provider calls, the detection transitions and the alert delivery", async () => {
    const text = await scrape();
    expect(sampleValue(text, "makegood_sync_runs_total", { provider: "google", outcome: "synced" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, "makegood_sync_duration_seconds_count", { provider: "google" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, "makegood_sync_duration_seconds_sum", { provider: "google" })).toBeGreaterThan(0);
    expect(sampleValue(text, "makegood_provider_calls_total", { provider: "google", operation: "exchangeCode", status: "ok" })).toBe(1);
    expect(sampleValue(text, "makegood_provider_calls_total", { provider: "google", operation: "syncPages", status: "ok" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, "makegood_detection_transitions_total", { from: "upcoming", to: "in_progress" })).toBe(1);
    expect(sampleValue(text, "makegood_detection_transitions_total", { from: "in_progress", to: "late" })).toBe(1);
    expect(sampleValue(text, "makegood_alert_deliveries_total", { channel: "email", outcome: "delivered" })).toBe(1);
    // Process metrics come from this service's own registry.
    expect(sampleValue(text, "makegood_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toContain("# TYPE makegood_nodejs_eventloop_lag_seconds gauge");
  });

  it("counts push notifications by verdict, and a provider error by its kind", async () => {
    const { control } = harness.emulator;
    const unknown = await fetch(`${harness.baseUrl}/webhooks/google`, { method: "POST", headers: { "x-goog-channel-id": "no-such-channel", "x-goog-resource-state": "exists" } });
    expect(unknown.status).toBe(200);
    const { sync, db } = harness.service.services;
    const connection = await db.connection.findFirstOrThrow({ where: { accountEmail: "ann@example.com" } });
    control.addFault({ method: "GET", path: "/calendar/v3/calendars/*/events", kind: "serverError", status: 500, times: 1 });
    expect((await syncConnection(connection.id, sync)).status).toBe("backing_off");

    const text = await scrape();
    expect(sampleValue(text, "makegood_push_notifications_total", { provider: "google", verdict: "unknown_channel" })).toBe(1);
    expect(sampleValue(text, "makegood_provider_calls_total", { provider: "google", operation: "syncPages", status: "transient" })).toBe(1);
    expect(sampleValue(text, "makegood_sync_runs_total", { provider: "google", outcome: "backing_off" })).toBe(1);
  });

  it("reads queue depth and the oldest due task's age per kind at scrape time, and counts failed tasks", async () => {
    const { db } = harness.service.services;
    const now = Date.now();
    await db.$transaction((tx) =>
      enqueueTasks(tx, [
        // No handler claims this kind, so it stays due: the backlog a stuck worker would leave.
        { kind: "metrics_probe", payload: {}, idempotencyKey: "probe:1", dueAt: new Date(now - 90_000) },
        { kind: "metrics_probe", payload: {}, idempotencyKey: "probe:2", dueAt: new Date(now - 10_000) },
        { kind: "metrics_probe", payload: {}, idempotencyKey: "probe:3", dueAt: new Date(now + 3_600_000) },
        // A payload the handler's schema refuses fails for good at once.
        { kind: "sync_connection", payload: { connectionId: "not-a-uuid" }, idempotencyKey: "bad-sync:1", dueAt: new Date(now) },
      ]),
    );
    await expect.poll(async () => (await db.task.findUnique({ where: { idempotencyKey: "bad-sync:1" } }))?.status, { timeout: 5000 }).toBe("failed");

    const text = await scrape();
    expect(sampleValue(text, "makegood_task_queue_depth", { kind: "metrics_probe", state: "due" })).toBe(2);
    expect(sampleValue(text, "makegood_task_queue_depth", { kind: "metrics_probe", state: "scheduled" })).toBe(1);
    expect(sampleValue(text, "makegood_task_queue_depth", { kind: "sync_connection", state: "failed" })).toBe(1);
    const age = sampleValue(text, "makegood_task_oldest_due_age_seconds", { kind: "metrics_probe" })!;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(150);
    expect(sampleValue(text, "makegood_tasks_failed_total", { kind: "sync_connection", outcome: "failed" })).toBe(1);

    // Gauges follow the table: once the probes are gone, so are their series.
    await db.task.deleteMany({ where: { kind: "metrics_probe" } });
    expect(sampleValue(await scrape(), "makegood_task_queue_depth", { kind: "metrics_probe", state: "due" })).toBeUndefined();
  });
});
