import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TASKS_CHANNEL } from "../../src/tasks/sql/enqueue-task.js";
import { connectAs, waitForMeeting } from "../support/connect.js";
import { sampleValue } from "../support/prometheus.js";
import { startHarness, type Harness } from "../support/service-harness.js";
import { eventually } from "../sync/support.js";
import { startSmtpSink, unusedPort, type SmtpSink } from "../notify/support/smtp-sink.js";

const MINUTE = 60_000;
const OUTAGE_ATTEMPTS = 3;

/**
 * tests/notify/alert-delivery.test.ts drives the delivery handler directly; this is the same
 * outage under the running service: detection raises a "running late" alert while the SMTP
 * server is down, the runner retries with a growing backoff, and the alert is delivered once
 * when the server comes back.
 */
describe("the SMTP server down while alerts are raised", () => {
  let harness: Harness;
  let sink: SmtpSink | undefined;
  let port: number;
  const at = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * MINUTE).toISOString();

  beforeAll(async () => {
    port = await unusedPort();
    harness = await startHarness({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("retries with a growing backoff and delivers exactly once when the server is back", async () => {
    const { control } = harness.emulator;
    const { db } = harness.service.services;
    control.addUser({ provider: "google", email: "ann@example.com", name: "Ann Lee" });
    control.createEvent("ann@example.com", {
      summary: "Late while mail is down",
      start: at(-12),
      end: at(30),
      attendees: [{ email: "ann@example.com", response: "accepted" }, { email: "dana@client.example", response: "accepted" }],
      meet: true,
    });
    const ann = await connectAs(harness, "google", "ann@example.com");
    const meeting = await waitForMeeting(ann, "Late while mail is down", (m) => m.state === "late", 15_000);
    const alert = await db.alert.findFirstOrThrow({ where: { meetingId: meeting.id, kind: "late" } });
    const key = `deliver:${alert.id}:email`;
    const task = () => db.task.findUniqueOrThrow({ where: { idempotencyKey: key } });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= OUTAGE_ATTEMPTS; attempt += 1) {
      const failed = await eventually(async () => {
        const row = await task();
        return row.status === "queued" && row.attempts === attempt ? row : undefined;
      }, 15_000, `failed attempt ${attempt}`);
      expect(failed.lastError).toMatch(/could not be reached|ECONNREFUSED/i);
      delays.push(failed.dueAt.getTime() - failed.updatedAt.getTime());
      // The first retry comes by itself; later ones are brought forward rather than waited for.
      if (attempt > 1 && attempt < OUTAGE_ATTEMPTS) {
        await db.task.update({ where: { idempotencyKey: key }, data: { dueAt: new Date() } });
        await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;
      }
    }
    expect(delays[0]).toBeGreaterThan(0);
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId: alert.id, channel: "email" } } })).toMatchObject({ status: "pending" });

    // The server comes back on the same address.
    sink = await startSmtpSink({ port });
    await db.task.update({ where: { idempotencyKey: key }, data: { dueAt: new Date() } });
    await db.$executeRaw`select pg_notify(${TASKS_CHANNEL}, '')`;
    await eventually(async () => (await task()).status === "done", 15_000, "delivery task done");
    expect(await db.alertDelivery.findUniqueOrThrow({ where: { alertId_channel: { alertId: alert.id, channel: "email" } } })).toMatchObject({ status: "delivered", lastError: null });
    const mails = sink.messages.filter((mail) => mail.header("subject")?.includes("Late while mail is down"));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.envelopeTo).toEqual(["ann@example.com"]);

    // Nothing more arrives later (a rerun of the task, a second detection pass).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.messages.filter((mail) => mail.header("subject")?.includes("Late while mail is down"))).toHaveLength(1);

    const metrics = await harness.service.services.metrics.scrape();
    expect(sampleValue(metrics, "makegood_alert_deliveries_total", { channel: "email", outcome: "retry" })).toBe(OUTAGE_ATTEMPTS);
    expect(sampleValue(metrics, "makegood_alert_deliveries_total", { channel: "email", outcome: "delivered" })).toBe(1);
  }, 60_000);
});
