import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { enqueueTasks } from "../../src/tasks/sql/enqueue-task.js";
import { runEntry, type RunningChild } from "../support/child-process.js";
import { createTestDatabase } from "../support/database.js";

/** Workers in separate processes sharing one database, as several instances would. */
describe("the task table across processes", () => {
  let db: Database;
  let url: string;
  let drop: () => Promise<void>;
  const children: RunningChild[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = createPrismaClient(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("create table task_runs (n int not null, worker text not null)");
    await client.end();
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await db?.$disconnect();
    await drop?.();
  });

  const startWorker = async (name: string, env: Record<string, string> = {}) => {
    const child = runEntry("tests/tasks/worker-process.ts", [], { DATABASE_URL: url, WORKER_NAME: name, ...env });
    children.push(child);
    await child.waitForOutput(/ready/);
    return child;
  };

  it("four workers in two processes run each of 1,000 tasks exactly once", async () => {
    const a = await startWorker("a");
    const b = await startWorker("b");
    await db.$transaction((tx) => enqueueTasks(tx, Array.from({ length: 1000 }, (_, n) => ({ kind: "record_run", payload: { n }, idempotencyKey: `run:${n}`, dueAt: new Date() }))));
    await expect.poll(() => db.task.count({ where: { kind: "record_run", status: "done" } }), { timeout: 60_000, interval: 200 }).toBe(1000);
    const runs = await db.$queryRaw<Array<{ n: number; runs: bigint }>>`select n, count(*) as runs from task_runs group by n`;
    expect(runs).toHaveLength(1000);
    expect(runs.every((row) => Number(row.runs) === 1)).toBe(true);
    const byWorker = await db.$queryRaw<Array<{ worker: string; runs: bigint }>>`select worker, count(*) as runs from task_runs group by worker`;
    expect(byWorker.map((row) => row.worker).sort()).toEqual(["a", "b"]);
    a.kill("SIGTERM");
    b.kill("SIGTERM");
    expect(await a.waitForExit()).toBe(0);
    expect(await b.waitForExit()).toBe(0);
  }, 90_000);

  it("a worker killed mid-task leaves it to another once its lease runs out", async () => {
    const doomed = await startWorker("doomed", { LEASE_MS: "1500" });
    await db.$transaction((tx) => enqueueTasks(tx, [{ kind: "hang", payload: { n: 1 }, idempotencyKey: "hang:1", dueAt: new Date() }]));
    await doomed.waitForOutput(/hanging/);
    doomed.kill("SIGKILL");
    await doomed.waitForExit();
    const held = await db.task.findFirstOrThrow({ where: { idempotencyKey: "hang:1" } });
    expect(held).toMatchObject({ status: "running", attempts: 1 });
    // The hanging handler hangs again in the next worker; what matters is that it was claimed again.
    const rescuer = await startWorker("rescuer", { LEASE_MS: "60000" });
    await rescuer.waitForOutput(/hanging/, 20_000);
    const again = await db.task.findFirstOrThrow({ where: { idempotencyKey: "hang:1" } });
    expect(again.attempts).toBe(2);
    expect(again.lockedBy).not.toBe(held.lockedBy);
    rescuer.kill("SIGKILL");
  }, 60_000);

  it("a worker killed mid-task: another process runs the task again within 30 s, with the default lease and poll", async () => {
    const doomed = await startWorker("doomed-default", { POLL_MS: "5000" });
    await db.$transaction((tx) => enqueueTasks(tx, [{ kind: "hang", payload: { n: 2 }, idempotencyKey: "hang:2", dueAt: new Date() }]));
    await doomed.waitForOutput(/hanging/);
    const standby = await startWorker("standby", { POLL_MS: "5000" });
    // The doomed worker's heartbeat has kept its lease meanwhile: nobody else took it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await db.task.findFirstOrThrow({ where: { idempotencyKey: "hang:2" } })).toMatchObject({ status: "running", attempts: 1 });
    doomed.kill("SIGKILL");
    const killedAt = Date.now();
    await doomed.waitForExit();
    await standby.waitForOutput(/hanging/, 35_000);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(await db.task.findFirstOrThrow({ where: { idempotencyKey: "hang:2" } })).toMatchObject({ status: "running", attempts: 2 });
    standby.kill("SIGKILL");
  }, 60_000);
});
