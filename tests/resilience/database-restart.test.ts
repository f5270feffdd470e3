import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { enqueueTasks } from "../../src/tasks/sql/enqueue-task.js";
import { defineTask } from "../../src/tasks/task-handler.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { seedUserWithMeetings } from "../support/seed.js";
import { startProxiedService, type ProxiedService } from "./support.js";

const TASKS = 300;

/**
 * The database goes away under a running service (every connection dropped, new ones
 * refused, as in a restart) and comes back. Requests in between fail fast with 503 and a
 * Retry-After; afterwards they succeed without a restart of the service; tasks queued
 * before and during the outage all run, and each one's effects are committed once.
 */
describe("the database restarted while the service runs", () => {
  let env: ProxiedService;
  let direct: Database;
  let cookie: string;
  let runner: TaskRunner;
  const attempts = new Map<string, number>();
  let doneAtCut = 0;
  let userId: string;
  /** what the user's live alerts stream has received, opened before the outage */
  let streamed = "";
  const streamAbort = new AbortController();

  beforeAll(async () => {
    env = await startProxiedService();
    const { db } = env.service.services;
    direct = createPrismaClient(env.directUrl, { maxConnections: 2 });
    await direct.$executeRawUnsafe("create table probe_effects (task_id uuid not null, at timestamptz not null default now())");
    ({ userId } = await seedUserWithMeetings(db, { meetings: [{ title: "Standup", start: new Date(Date.now() + 3_600_000), end: new Date(Date.now() + 5_400_000) }] }));
    cookie = await env.sessionCookie(userId);
    // A task kind whose every committed effect is a row: run twice would mean two rows.
    const probe = defineTask({
      kind: "probe",
      payload: z.object({ n: z.number() }),
      async run(_payload, context) {
        attempts.set(context.task.id, (attempts.get(context.task.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await context.finish(async (tx) => {
          await tx.$executeRaw`insert into probe_effects (task_id) values (${context.task.id}::uuid)`;
        });
      },
    });
    runner = new TaskRunner({ db, databaseUrl: env.service.services.databaseUrl, handlers: [probe], clock: env.service.services.clock, log: env.logs.log, concurrency: 4, pollMs: 10_000, leaseMs: 3_000 });
    await runner.start();
    const stream = await fetch(`${env.service.url}/api/alerts/stream`, { headers: { cookie }, signal: streamAbort.signal });
    expect(stream.status).toBe(200);
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body!) streamed += decoder.decode(chunk as Uint8Array, { stream: true });
    })().catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    streamAbort.abort();
    await runner?.stop(2000);
    await direct?.$disconnect();
    await env?.close();
  });

  const meetings = () => fetch(`${env.service.url}/api/meetings`, { headers: { cookie } });

  it("answers 503 with Retry-After while the database is away, and recovers without a restart", async () => {
    expect((await meetings()).status).toBe(200);

    // Half the tasks are queued before the outage; the runner is working through them when it starts.
    await direct.$transaction((tx) => enqueueTasks(tx, Array.from({ length: TASKS / 2 }, (_, n) => ({ kind: "probe", payload: { n }, idempotencyKey: `probe:${n}`, dueAt: new Date() }))));
    // Cut while the workers are busy: a few done, most still to do.
    await expect.poll(async () => direct.task.count({ where: { kind: "probe", status: "done" } }), { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(4);
    env.proxy.cut();
    try {
      doneAtCut = await direct.task.count({ where: { kind: "probe", status: "done" } });
      const started = Date.now();
      const during = await meetings();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await during.json()).toMatchObject({ error: { code: "database_unavailable", message: expect.stringMatching(/database/i) } });
      expect((await fetch(`${env.service.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${env.service.url}/healthz`)).status).toBe(200);
      // Metrics still answer (without the task-table gauges), so the outage can be watched.
      const scrape = await fetch(`${env.service.url}/metrics`);
      expect(scrape.status).toBe(200);
      const metrics = await scrape.text();
      expect(metrics).toMatch(/^makegood_task_queue_read_failures_total [1-9]/m);
      expect(metrics).toContain("makegood_process_resident_memory_bytes");

      // The other half is queued while this service cannot reach the database (by another instance, say).
      await direct.$transaction((tx) => enqueueTasks(tx, Array.from({ length: TASKS / 2 }, (_, i) => ({ kind: "probe", payload: { n: TASKS / 2 + i }, idempotencyKey: `probe:${TASKS / 2 + i}`, dueAt: new Date() }))));
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      env.proxy.restore();
    }

    await expect.poll(async () => (await meetings()).status, { timeout: 10_000, interval: 200 }).toBe(200);
    expect((await fetch(`${env.service.url}/readyz`)).status).toBe(200);
    expect(env.logs.text()).toContain("database unavailable; answered 503");
  }, 30_000);

  it("runs every task, and commits each one's effects once", async () => {
    await expect
      .poll(async () => direct.task.count({ where: { kind: "probe", status: "done" } }), { timeout: 30_000, interval: 250 })
      .toBe(TASKS);
    const rows = await direct.$queryRaw<Array<{ task_id: string; n: bigint }>>`select task_id::text, count(*) as n from probe_effects group by task_id`;
    expect(rows).toHaveLength(TASKS);
    expect(rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(await direct.task.count({ where: { kind: "probe", status: { not: "done" } } })).toBe(0);
    // The outage hit the queue mid-way: work was left when it began, and attempts cut off by it ran again.
    expect(doneAtCut).toBeLessThan(TASKS / 2);
    expect([...attempts.values()].filter((n) => n > 1).length, "attempts interrupted by the outage").toBeGreaterThan(0);
  }, 40_000);

  // The LISTEN connection must come back however long the outage lasted (it used to be retried
  // once, 1 s after the loss): otherwise every task waits for the safety-net poll.
  it("a task queued after the outage starts at once, not at the next poll (LISTEN restored)", async () => {
    for (let i = 0; i < 3; i += 1) {
      const queued = Date.now();
      await direct.$transaction((tx) => enqueueTasks(tx, [{ kind: "probe", payload: { n: -1 - i }, idempotencyKey: `after-outage:${i}`, dueAt: new Date() }]));
      await expect.poll(async () => (await direct.task.findUnique({ where: { idempotencyKey: `after-outage:${i}` } }))?.status, { timeout: 15_000, interval: 20 }).toBe("done");
      expect(Date.now() - queued, `task ${i} waited for the poll`).toBeLessThan(2_000);
    }
  }, 60_000);

  it("the live alerts stream, open through the outage, carries an alert raised after it", async () => {
    const alert = await direct.alert.create({ data: { userId, kind: "late", idempotencyKey: "after-the-outage", title: "Raised after the outage", body: "The database came back." } });
    await direct.$executeRaw`select pg_notify('makegood_alerts', ${`${userId}:${alert.id}`})`;
    await expect.poll(() => streamed, { timeout: 20_000, interval: 100 }).toContain(`id: ${alert.id}`);
    expect(streamed).toContain("Raised after the outage");
  }, 30_000);
});
