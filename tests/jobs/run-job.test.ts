import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, JobContext } from "../../jobs/job.js";
import { runJob } from "../../jobs/run-job.js";
import { jobs } from "../../jobs/registry.js";
import { AdvisoryLocks } from "../../src/db/advisory-lock.js";
import { createPrismaClient, type Database } from "../../src/db/client.js";
import { FixedClock } from "../../src/platform/clock.js";
import { loadConfig } from "../../src/platform/config.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";

describe("running jobs", () => {
  let db: Database;
  let locksA: AdvisoryLocks;
  let locksB: AdvisoryLocks;
  let drop: () => Promise<void>;
  let context: JobContext;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createPrismaClient(database.url);
    // Two lock pools stand for two service instances.
    locksA = new AdvisoryLocks(database.url);
    locksB = new AdvisoryLocks(database.url);
    context = {
      db,
      config: loadConfig({}),
      log: capturedLogger().log,
      clock: new FixedClock(new Date("2026-11-23T10:00:00Z")),
      signal: new AbortController().signal,
    };
  });

  afterAll(async () => {
    await Promise.allSettled([db?.$disconnect(), locksA?.close(), locksB?.close()]);
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
      runJob(job, context, locksA, { waitForLock: false }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => runJob(job, context, locksB, { waitForLock: false })),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
    expect(mostAtOnce()).toBe(1);
  });

  it("makes a command-line run wait for the lock instead of overlapping", async () => {
    const { job, mostAtOnce } = slowJob(true);
    const outcomes = await Promise.all([runJob(job, context, locksA, { waitForLock: true }), runJob(job, context, locksB, { waitForLock: true })]);
    expect(outcomes.map((o) => o.status)).toEqual(["done", "done"]);
    expect(mostAtOnce()).toBe(1);
  });

  it("lets non-exclusive jobs overlap", async () => {
    const { job, mostAtOnce } = slowJob(false);
    await Promise.all([runJob(job, context, locksA, { waitForLock: false }), runJob(job, context, locksB, { waitForLock: false })]);
    expect(mostAtOnce()).toBe(2);
  });

  it("runs every registered job against a migrated database", async () => {
    for (const job of Object.values(jobs)) {
      const outcome = await runJob(job, context, locksA, { waitForLock: true });
      expect(outcome.status, job.name).toBe("done");
    }
  });
});
