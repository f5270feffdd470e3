import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectJob } from "../../jobs/detect.js";
import { detectMeetings } from "../../src/detection/detect-meetings.js";
import { runJob } from "../../jobs/run-job.js";
import { systemClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { createServices, type Services } from "../../src/app/services.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { startSmtpSink, type SmtpSink } from "../notify/support/smtp-sink.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { seedUserWithMeetings } from "../support/seed.js";

const MINUTE = 60_000;

/**
 * Two service instances on one database, each detecting and delivering, a detect job run
 * again, a worker restarted: the SMTP sink must still hold exactly one email per alert.
 */
describe("every alert is emailed once, whatever runs twice", () => {
  let sink: SmtpSink;
  let drop: () => Promise<void>;
  const instances: Services[] = [];
  const runners: TaskRunner[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink({ dataDelayMs: 20 });
    const database = await createTestDatabase();
    drop = database.drop;
    const keys = parseKeyRing(Buffer.alloc(32, 4).toString("base64"));
    if (!keys.ok) throw new Error(keys.problem);
    const config = loadConfig({ SMTP_URL: sink.url, PUBLIC_URL: "http://localhost:3999" });
    for (let i = 0; i < 2; i += 1) {
      const services = createServices(config, { url: database.url, tokenKeys: keys.keyRing, stop: async () => {} }, systemClock, capturedLogger().log);
      instances.push(services);
    }
  });

  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop(2000)));
    await Promise.all(instances.map((services) => services.close()));
    await sink?.close();
    await drop?.();
  });

  const startRunner = async (services: Services) => {
    const runner = new TaskRunner({ db: services.db, databaseUrl: services.databaseUrl, handlers: services.taskHandlers, clock: systemClock, log: services.log, concurrency: 4, pollMs: 200 });
    runners.push(runner);
    await runner.start();
    return runner;
  };
  const detect = (services: Services) => runJob(detectJob, { ...services, signal: new AbortController().signal }, { waitForLock: false });

  it("two detectors and two delivery workers send one email per late meeting", async () => {
    const [a, b] = instances as [Services, Services];
    const now = Date.now();
    const meetings = Array.from({ length: 12 }, (_, i) => ({ title: `Client sync ${i}`, start: new Date(now - 10 * MINUTE), end: new Date(now + 20 * MINUTE) }));
    const { userId } = await seedUserWithMeetings(a.db, { email: "pat@example.com", meetings });

    // The detect job's lock lets one run at a time; the direct calls run side by side, so
    // the unique keys in the database are what keeps the alerts single.
    await Promise.all([detect(a), detect(b), detectMeetings(a.detection, new Date()), detectMeetings(b.detection, new Date()), detectMeetings(a.detection, new Date())]);
    await Promise.all([startRunner(a), startRunner(b)]);
    await expect.poll(() => sink.messages.length, { timeout: 10_000 }).toBe(12);

    // Run everything again, and restart a worker: nothing new is sent.
    await Promise.all([detect(a), detect(b)]);
    await runners[0]!.stop(1000);
    await startRunner(a);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(sink.messages.length).toBe(12);
    const subjects = new Set(sink.messages.map((mail) => mail.header("subject")));
    expect(subjects.size).toBe(12);
    expect(new Set(sink.messages.map((mail) => mail.header("message-id"))).size).toBe(12);
    expect(sink.messages.every((mail) => mail.envelopeTo.includes("pat@example.com"))).toBe(true);

    const deliveries = await a.db.alertDelivery.findMany({ where: { alert: { userId } } });
    expect(deliveries.filter((d) => d.channel === "email").every((d) => d.status === "delivered")).toBe(true);
    expect(deliveries.filter((d) => d.channel === "feed")).toHaveLength(12);
    expect(await a.db.stateTransition.count({ where: { meeting: { userId }, toState: "late" } })).toBe(12);
  });
});
