import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, JobContext } from "../../jobs/job.js";
import { runJob } from "../../jobs/run-job.js";
import { jobs, withJobTaskHandlers } from "../../jobs/registry.js";
import { enqueueScheduledJob, scheduleBucket, SCHEDULED_JOB } from "../../jobs/scheduled-job-task.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { FixedClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { parseKeyRing } from "../../src/platform/key-ring.js";
import { createServices, type Services } from "../../src/app/services.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";

describe("running jobs", () => {
  let instanceA: Services;
  let instanceB: Services;
  let drop: () => Promise<void>;
  let contextA: JobContext;
  let contextB: JobContext;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const keys = parseKeyRing(Buffer.alloc(32, 3).toString("base64"));
    if (!keys.ok) throw new Error(keys.problem);
    const open = { url: database.url, tokenKeys: keys.keyRing, stop: async () => {} };
    const clock = new FixedClock(new Date("2026-11-23T10:00:00Z"));
    // Two object graphs with their own pools stand for two service instances.
    instanceA = createServices(loadConfig({}), open, clock, capturedLogger().log);
    instanceB = createServices(loadConfig({}), open, clock, capturedLogger().log);
    const signal = new AbortController().signal;
    contextA = { ...instanceA, signal };
    contextB = { ...instanceB, signal };
  });

  afterAll(async () => {
    await Promise.allSettled([instanceA?.close(), instanceB?.close()]);
    await drop?.();
  });

  function slowJob(exclusive: boolean) {
    let running = 0;
    let mostAtOnce = 0;
    const job: Job = {
      name: "sync",
      description: "test",
      schedule: "* * * * *",
      exclusive,
      async run() {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running -= 1;
        return { ok: 1 };
      },
    };
    return { job, mostAtOnce: () => mostAtOnce };
  }

  it("skips a scheduled run of an exclusive job while another instance runs it", async () => {
    const { job, mostAtOnce } = slowJob(true);
    const outcomes = await Promise.all([
      runJob(job, contextA, { waitForLock: false }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => runJob(job, contextB, { waitForLock: false })),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
    expect(mostAtOnce()).toBe(1);
  });

  it("makes a command-line run wait for the lock instead of overlapping", async () => {
    const { job, mostAtOnce } = slowJob(true);
    const outcomes = await Promise.all([runJob(job, contextA, { waitForLock: true }), runJob(job, contextB, { waitForLock: true })]);
    expect(outcomes.map((o) => o.status)).toEqual(["done", "done"]);
    expect(mostAtOnce()).toBe(1);
  });

  it("lets non-exclusive jobs overlap", async () => {
    const { job, mostAtOnce } = slowJob(false);
    await Promise.all([runJob(job, contextA, { waitForLock: false }), runJob(job, contextB, { waitForLock: false })]);
    expect(mostAtOnce()).toBe(2);
  });

  it("a cron tick only queues its minute: instances ticking seconds apart queue it once, keyed by job and minute", async () => {
    expect(scheduleBucket(new Date("2026-11-23T10:04:58.500Z"))).toBe("2026-11-23T10:05");
    expect(scheduleBucket(new Date("2026-11-23T10:05:01.200Z"))).toBe("2026-11-23T10:05");
    const queued = [
      await enqueueScheduledJob(instanceA.db, jobs.sync, new Date("2026-11-23T10:04:59.000Z")),
      await enqueueScheduledJob(instanceB.db, jobs.sync, new Date("2026-11-23T10:05:00.400Z")),
    ];
    expect(queued).toEqual([1, 0]);
    expect(await instanceA.db.task.findMany({ where: { kind: SCHEDULED_JOB }, select: { idempotencyKey: true, payload: true } })).toEqual([
      { idempotencyKey: "sync:due:2026-11-23T10:05", payload: { job: "sync", bucket: "2026-11-23T10:05" } },
    ]);
  });

  it("a queued sync minute runs as a task that queues one sync task per active connection, once however many workers run it", async () => {
    const { userId } = await seedUserWithMeetings(instanceA.db, { meetings: [] });
    const connection = await instanceA.db.connection.findFirstOrThrow({ where: { userId } });
    await instanceA.db.task.deleteMany({ where: { kind: { in: [SCHEDULED_JOB, "sync_connection"] } } });
    await enqueueScheduledJob(instanceA.db, jobs.sync, new Date("2026-11-23T09:59:59.000Z"));
    // Two instances' runners, each with the scheduled-job handler only (the sync tasks stay queued to be looked at).
    const drain = async (services: Services, context: JobContext) => {
      const full = withJobTaskHandlers(context);
      const runner = new TaskRunner({ db: services.db, databaseUrl: services.databaseUrl, handlers: full.jobTaskHandlers ?? [], clock: services.clock, log: services.log, concurrency: 2 });
      return runner.drain();
    };
    const ran = await Promise.all([drain(instanceA, contextA), drain(instanceB, contextB)]);
    expect(ran.map((result) => result.ran).reduce((a, b) => a + b)).toBe(1);
    const syncs = await instanceA.db.task.findMany({ where: { kind: "sync_connection" }, select: { idempotencyKey: true, status: true } });
    expect(syncs).toContainEqual({ idempotencyKey: `sync:${connection.id}:due:2026-11-23T10:00`, status: "queued" });
    expect(new Set(syncs.map((task) => task.idempotencyKey)).size).toBe(syncs.length);
    expect(await instanceA.db.task.findFirstOrThrow({ where: { kind: SCHEDULED_JOB } })).toMatchObject({ status: "done", attempts: 1 });
  });

  it("runs every registered job against a migrated database", async () => {
    for (const job of Object.values(jobs)) {
      const outcome = await runJob(job, contextA, { waitForLock: true });
      expect(outcome.status, job.name).toBe("done");
    }
  });
});
