import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { systemClock } from "../../src/platform/clock.js";
import { AppError } from "../../src/platform/errors.js";
import { claimTasks } from "../../src/tasks/sql/claim-tasks.js";
import { enqueueTasks } from "../../src/tasks/sql/enqueue-task.js";
import { completeTask, failTask } from "../../src/tasks/sql/finish-task.js";
import { purgeFinishedTasks } from "../../src/tasks/sql/purge-tasks.js";
import { defineTask } from "../../src/tasks/task-handler.js";
import { TaskRunner } from "../../src/tasks/task-runner.js";
import { createTestDatabase } from "../support/database.js";
import { capturedLogger } from "../support/log-capture.js";
import { seedUserWithMeetings } from "../support/seed.js";

describe("the task table", () => {
  let db: Database;
  /** the engine's own statements run over node-postgres, as TaskRunner runs them */
  let sql: pg.Pool;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    url = database.url;
    drop = database.drop;
    db = createPrismaClient(url, { maxConnections: 12 });
    sql = new pg.Pool({ connectionString: url, max: 8 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await sql?.end();
    await drop?.();
  });
  beforeEach(async () => {
    await db.task.deleteMany();
  });

  const enqueue = (count: number, options: { kind?: string; dueAt?: Date; prefix?: string; maxAttempts?: number } = {}) =>
    db.$transaction((tx) =>
      enqueueTasks(
        tx,
        Array.from({ length: count }, (_, i) => ({
          kind: options.kind ?? "noop",
          payload: { n: i },
          idempotencyKey: `${options.prefix ?? "t"}:${i}`,
          dueAt: options.dueAt ?? new Date(Date.now() - 1000),
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        })),
      ),
    );

  it("queues a task once per idempotency key", async () => {
    expect(await enqueue(3)).toBe(3);
    expect(await enqueue(3)).toBe(0);
    expect(await db.task.count()).toBe(3);
    // The same over node-postgres (the engine's own path, a named statement), twice on one pool.
    const overPg = (i: number) => enqueueTasks(sql, [{ kind: "noop", payload: { n: i }, idempotencyKey: `pg:${i}`, dueAt: new Date() }]);
    expect([await overPg(1), await overPg(2), await overPg(1)]).toEqual([1, 1, 0]);
    expect(await db.task.count()).toBe(5);
  });

  it("lets concurrent claimers take disjoint sets that together cover every due task", async () => {
    await enqueue(400);
    const claimers = Array.from({ length: 6 }, (_, i) => `claimer-${i}`);
    const taken = await Promise.all(
      claimers.map(async (workerId) => {
        const mine: string[] = [];
        for (;;) {
          const { claimed: batch } = await claimTasks(sql, { workerId, kinds: ["noop"], limit: 7, leaseMs: 60_000, now: new Date() });
          if (batch.length === 0) return mine;
          mine.push(...batch.map((task) => task.id));
        }
      }),
    );
    const all = taken.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(400);
    expect(taken.filter((set) => set.length > 0).length).toBeGreaterThan(1);
  });

  it("claims by priority, then due time, reading only what it claims", async () => {
    const now = Date.now();
    await db.$transaction((tx) =>
      enqueueTasks(tx, [
        { kind: "noop", payload: {}, idempotencyKey: "p:low-old", dueAt: new Date(now - 60_000), priority: 0 },
        { kind: "noop", payload: {}, idempotencyKey: "p:high-new", dueAt: new Date(now - 1_000), priority: 10 },
        { kind: "noop", payload: {}, idempotencyKey: "p:high-old", dueAt: new Date(now - 2_000), priority: 10 },
        { kind: "noop", payload: {}, idempotencyKey: "p:mid", dueAt: new Date(now - 1_000), priority: 5 },
        { kind: "noop", payload: {}, idempotencyKey: "p:future", dueAt: new Date(now + 60_000), priority: 99 },
      ]),
    );
    const { claimed } = await claimTasks(sql, { workerId: "w", kinds: ["noop"], limit: 3, leaseMs: 60_000, now: new Date(now) });
    expect(claimed.map((task) => task.idempotencyKey)).toEqual(["p:high-old", "p:high-new", "p:mid"]);
    // The plan walks the index of queued tasks in claim order (no sort of every due
    // task), on a connection set up as the runner's claim connection is.
    const claimConnection = new pg.Client({ connectionString: url, options: "-c enable_sort=off" });
    await claimConnection.connect();
    const plan = await claimConnection
      .query<{ "QUERY PLAN": string }>("explain select id from tasks where status = 'queued' and due_at <= now() and kind = any('{noop}') order by priority desc, due_at limit 5 for update skip locked")
      .finally(() => claimConnection.end());
    expect(plan.rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/Index Scan using tasks_claim_queued_idx/);
  });

  it("purges finished tasks past their retention, keeping failed ones, recent ones and those of a case", async () => {
    await enqueue(4);
    const [old, recent, failed, queued] = await db.task.findMany({ orderBy: { idempotencyKey: "asc" } });
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    await db.task.update({ where: { id: old!.id }, data: { status: "done", finishedAt: longAgo } });
    await db.task.update({ where: { id: recent!.id }, data: { status: "done", finishedAt: new Date() } });
    await db.task.update({ where: { id: failed!.id }, data: { status: "failed", finishedAt: longAgo } });
    const { userId } = await seedUserWithMeetings(db, { meetings: [{ title: "Pitch", start: longAgo, end: new Date(longAgo.getTime() + 1_800_000) }] });
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId } });
    const recoveryCase = await db.recoveryCase.create({ data: { userId, meetingId: meeting.id, openedAt: longAgo } });
    await db.task.update({ where: { id: queued!.id }, data: { status: "done", finishedAt: longAgo, caseId: recoveryCase.id } });

    expect(await purgeFinishedTasks(sql, { before: new Date(Date.now() - 7 * 86_400_000) })).toBe(1);
    expect((await db.task.findMany({ select: { id: true } })).map((task) => task.id).sort()).toEqual([recent!.id, failed!.id, queued!.id].sort());
    // Its idempotency key is free again: the same work may be queued anew.
    expect(await enqueue(1)).toBe(1);
  });

  it("does not claim a task before it is due", async () => {
    await enqueue(1, { dueAt: new Date(Date.now() + 60_000) });
    expect(await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 10, leaseMs: 1000, now: new Date() })).toEqual({ claimed: [], spent: [] });
  });

  it("claims no queued task that has used its attempts (both halves of the claim check attempts < max_attempts)", async () => {
    await enqueue(2, { prefix: "used" });
    await db.task.updateMany({ where: { idempotencyKey: "used:0" }, data: { attempts: 8, maxAttempts: 8 } });
    const { claimed } = await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 10, leaseMs: 1000, now: new Date() });
    expect(claimed.map((task) => task.idempotencyKey)).toEqual(["used:1"]);
  });

  it("holds each kind for its own lease", async () => {
    await enqueue(1, { kind: "short", prefix: "short" });
    await enqueue(1, { kind: "long", prefix: "long" });
    const now = new Date();
    await claimTasks(sql, { kinds: ["short", "long"], workerId: "w", limit: 10, leaseMs: 60_000, leaseMsByKind: { short: 5_000 }, now });
    const leases = await db.task.findMany({ where: { kind: { in: ["short", "long"] } }, select: { kind: true, lockedUntil: true } });
    expect(Object.fromEntries(leases.map((task) => [task.kind, task.lockedUntil!.getTime() - now.getTime()]))).toEqual({ short: 5_000, long: 60_000 });
  });

  it("gives a task whose lease ran out to another worker, and refuses the first worker's late completion", async () => {
    await enqueue(1);
    const { claimed: [first] } = await claimTasks(sql, { kinds: ["noop"], workerId: "slow", limit: 1, leaseMs: 60_000, now: new Date() });
    expect(first).toBeDefined();
    // Backdate the lease instead of sleeping.
    await db.task.update({ where: { id: first!.id }, data: { lockedUntil: new Date(Date.now() - 1) } });
    const { claimed: [again] } = await claimTasks(sql, { kinds: ["noop"], workerId: "fast", limit: 1, leaseMs: 60_000, now: new Date() });
    expect(again?.id).toBe(first!.id);
    expect(again?.attempts).toBe(2);
    expect(await completeTask(sql, { id: first!.id, workerId: "slow", now: new Date() })).toBe(false);
    expect(await completeTask(sql, { id: first!.id, workerId: "fast", now: new Date() })).toBe(true);
    expect((await db.task.findUniqueOrThrow({ where: { id: first!.id } })).status).toBe("done");
  });

  it("gives up on a task whose worker dies on every attempt: claimed again up to max_attempts, then taken spent to be parked, never claimed again", async () => {
    await enqueue(1, { maxAttempts: 3 });
    // Each worker claims and dies: its lease runs out on a moved clock, and the next claim comes after it.
    const start = Date.now();
    const at = (step: number) => new Date(start + step * 2_000);
    const claim = (step: number) => claimTasks(sql, { kinds: ["noop"], workerId: `doomed-${step}`, limit: 10, leaseMs: 1_000, now: at(step) });
    for (const attempt of [1, 2, 3]) {
      const { claimed, spent } = await claim(attempt);
      expect(spent).toEqual([]);
      expect(claimed.map((task) => task.attempts)).toEqual([attempt]);
    }
    const running = await db.task.findFirstOrThrow({ where: { kind: "noop" } });
    expect(running).toMatchObject({ status: "running", attempts: 3, lastError: "the worker stopped while running it (lease expired) 2 times" });

    const { claimed, spent } = await claim(4);
    expect(claimed).toEqual([]);
    const reason = "the worker stopped while running it (lease expired) 3 times; giving up";
    expect(spent).toMatchObject([{ id: running.id, kind: "noop", attempts: 3, lastError: reason }]);
    // Held, attempts unchanged, until the runner parks it (with its handler's gaveUp, in one transaction).
    expect(await db.task.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({ status: "running", attempts: 3, lockedBy: "doomed-4", lastError: reason });
    expect(await failTask(sql, { id: running.id, workerId: "doomed-4", now: at(4), error: reason, permanent: true })).toBe("failed");
    expect(await db.task.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({
      status: "failed",
      attempts: 3,
      lockedBy: null,
      lockedUntil: null,
      finishedAt: at(4),
      lastError: "the worker stopped while running it (lease expired) 3 times; giving up",
    });
    // Parked for good: no later claim takes it, nor reports it again.
    expect(await claim(100)).toEqual({ claimed: [], spent: [] });
  });

  it("counts only the lease expiries since the last ordinary failure, and keeps claiming due tasks beside a parked one", async () => {
    await enqueue(1, { maxAttempts: 2, prefix: "mixed" });
    const now = new Date();
    const later = new Date(now.getTime() + 10_000);
    const { claimed: [first] } = await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 1, leaseMs: 1_000, now });
    expect(await failTask(sql, { id: first!.id, workerId: "w", now, error: "boom", retryAfterMs: 0 })).toBe("retry");
    const { claimed: [second] } = await claimTasks(sql, { kinds: ["noop"], workerId: "dies", limit: 1, leaseMs: 1_000, now });
    expect(second?.attempts).toBe(2);
    await enqueue(2, { prefix: "fresh", dueAt: now });
    const { claimed, spent } = await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 2, leaseMs: 1_000, now: later });
    expect(spent.map((task) => [task.id, task.lastError])).toEqual([[first!.id, "the worker stopped while running it (lease expired) 1 time; giving up"]]);
    // Parking takes none of the claim's room: both fresh tasks are claimed beside it.
    expect(claimed.map((task) => task.idempotencyKey).sort()).toEqual(["fresh:0", "fresh:1"]);
  });

  it("retries a failed attempt later, honouring a provider's Retry-After, and parks it after its last attempt", async () => {
    await enqueue(1, { maxAttempts: 2 });
    const now = new Date();
    const { claimed: [task] } = await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 1, leaseMs: 1000, now });
    expect(await failTask(sql, { id: task!.id, workerId: "w", now, error: "boom", retryAfterMs: 30_000 })).toBe("retry");
    const retried = await db.task.findUniqueOrThrow({ where: { id: task!.id } });
    expect(retried.status).toBe("queued");
    expect(retried.dueAt.getTime()).toBe(now.getTime() + 30_000);

    await db.task.update({ where: { id: task!.id }, data: { dueAt: new Date(now.getTime() - 1) } });
    const { claimed: [second] } = await claimTasks(sql, { kinds: ["noop"], workerId: "w", limit: 1, leaseMs: 1000, now });
    expect(await failTask(sql, { id: second!.id, workerId: "w", now, error: "boom again" })).toBe("failed");
    const parked = await db.task.findUniqueOrThrow({ where: { id: task!.id } });
    expect(parked).toMatchObject({ status: "failed", lastError: "boom again", attempts: 2 });
  });

  describe("the runner", () => {
    const runners: TaskRunner[] = [];
    afterAll(async () => {
      await Promise.all(runners.map((runner) => runner.stop(1000)));
    });

    function startRunner(handlers: Parameters<typeof defineTask>[0][], options: { pollMs?: number } = {}) {
      const runner = new TaskRunner({ db, databaseUrl: url, handlers, clock: systemClock, log: capturedLogger().log, concurrency: 4, pollMs: options.pollMs ?? 60_000 });
      runners.push(runner);
      return runner.start().then(() => runner);
    }

    it("starts a task queued now within moments (LISTEN/NOTIFY, not the poll)", async () => {
      const started: number[] = [];
      await startRunner([defineTask({ kind: "mark", payload: z.object({ n: z.number() }), run: async () => void started.push(Date.now()) })]);
      const queuedAt = Date.now();
      await enqueue(1, { kind: "mark", prefix: "now", dueAt: new Date() });
      await expect.poll(() => started.length, { timeout: 2000, interval: 10 }).toBe(1);
      expect(started[0]! - queuedAt).toBeLessThan(500);
    });

    it("starts a task due later at its time", async () => {
      const started: number[] = [];
      await startRunner([defineTask({ kind: "later", payload: z.object({ n: z.number() }), run: async () => void started.push(Date.now()) })]);
      const dueAt = new Date(Date.now() + 400);
      await enqueue(1, { kind: "later", prefix: "later", dueAt });
      await expect.poll(() => started.length, { timeout: 3000, interval: 10 }).toBe(1);
      expect(started[0]!).toBeGreaterThanOrEqual(dueAt.getTime() - 5);
      expect(started[0]! - dueAt.getTime()).toBeLessThan(300);
    });

    it("commits a task's effects together with its completion", async () => {
      await startRunner([
        defineTask({
          kind: "effect",
          payload: z.object({ n: z.number() }),
          run: async ({ n }, context) => context.finish(async (tx) => void (await tx.user.create({ data: { email: `effect-${n}@example.com` } }))),
        }),
      ]);
      await enqueue(3, { kind: "effect", prefix: "effect" });
      await expect.poll(() => db.task.count({ where: { kind: "effect", status: "done" } }), { timeout: 3000 }).toBe(3);
      expect(await db.user.count({ where: { email: { startsWith: "effect-" } } })).toBe(3);
    });

    it("commits tasks finished together in one go, and a failing effect takes no other task's effects with it", async () => {
      await startRunner([
        defineTask({
          kind: "grouped",
          payload: z.object({ n: z.number() }),
          run: async ({ n }, context) =>
            context.finish(async (tx) => {
              if (n === 3) throw new AppError("this effect cannot be written", { code: "nope", retryable: false });
              await tx.user.create({ data: { email: `grouped-${n}@example.com` } });
            }),
        }),
      ]);
      await enqueue(12, { kind: "grouped", prefix: "grouped" });
      await expect.poll(() => db.task.count({ where: { kind: "grouped", status: { in: ["done", "failed"] } } }), { timeout: 3000 }).toBe(12);
      expect(await db.task.count({ where: { kind: "grouped", status: "done" } })).toBe(11);
      expect(await db.user.count({ where: { email: { startsWith: "grouped-" } } })).toBe(11);
      expect(await db.task.findFirstOrThrow({ where: { kind: "grouped", status: "failed" } })).toMatchObject({ lastError: "this effect cannot be written" });
    });

    it("commits raw SQL effects (tx.$executeRaw, straight to node-postgres) with the completion, each failing one on its own", async () => {
      await sql.query("create table if not exists sql_effects (n int primary key)");
      await startRunner([
        defineTask({
          kind: "sql_effect",
          payload: z.object({ n: z.number() }),
          run: async ({ n }, context) =>
            context.finish(async (tx) => {
              await tx.$executeRaw`insert into sql_effects (n) values (${n})`;
              if (n === 4) throw new AppError("this effect cannot be written", { code: "nope", retryable: false });
            }),
        }),
      ]);
      await enqueue(20, { kind: "sql_effect", prefix: "sql" });
      await expect.poll(() => db.task.count({ where: { kind: "sql_effect", status: { in: ["done", "failed"] } } }), { timeout: 3000 }).toBe(20);
      expect(await db.task.count({ where: { kind: "sql_effect", status: "done" } })).toBe(19);
      const written = await sql.query<{ n: number }>("select n from sql_effects order by n");
      expect(written.rows.map((row) => row.n)).toEqual(Array.from({ length: 20 }, (_, n) => n).filter((n) => n !== 4));
    });

    it("keeps at most `concurrency` handlers working while completions commit", async () => {
      let working = 0;
      let most = 0;
      await startRunner([
        defineTask({
          kind: "counted",
          payload: z.object({ n: z.number() }),
          run: async (_payload, context) => {
            working += 1;
            most = Math.max(most, working);
            await new Promise((resolve) => setTimeout(resolve, 2));
            working -= 1;
            await context.finish(async (tx) => void (await tx.$executeRaw`select pg_sleep(0.005)`));
          },
        }),
      ]);
      await enqueue(60, { kind: "counted", prefix: "counted" });
      await expect.poll(() => db.task.count({ where: { kind: "counted", status: "done" } }), { timeout: 5000 }).toBe(60);
      expect(most).toBe(4);
    });

    it("parks a task that always throws after its attempts, with its error, and a non-retryable error at once", async () => {
      await startRunner([
        defineTask({ kind: "broken", payload: z.object({ n: z.number() }), run: async () => { throw new Error("the handler always fails"); } }),
        defineTask({ kind: "refused", payload: z.object({ n: z.number() }), run: async () => { throw new AppError("cannot ever work", { code: "nope", retryable: false }); } }),
      ], { pollMs: 50 });
      await enqueue(1, { kind: "broken", prefix: "broken", maxAttempts: 3 });
      await enqueue(1, { kind: "refused", prefix: "refused", maxAttempts: 3 });
      // Skip the backoff waits: make each retry due at once.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await db.task.count({ where: { kind: { in: ["broken", "refused"] }, status: "failed" } })) < 2) {
        await db.task.updateMany({ where: { kind: "broken", status: "queued" }, data: { dueAt: new Date(Date.now() - 1) } });
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      const broken = await db.task.findFirstOrThrow({ where: { kind: "broken" } });
      expect(broken).toMatchObject({ status: "failed", attempts: 3, lastError: "the handler always fails" });
      const refused = await db.task.findFirstOrThrow({ where: { kind: "refused" } });
      expect(refused).toMatchObject({ status: "failed", attempts: 1, lastError: "cannot ever work" });
    });

    it("counts and logs a task the claim parked after its worker died on its last attempt, as it does a last failed attempt, without running it", async () => {
      await enqueue(1, { kind: "killer", prefix: "killer", maxAttempts: 2 });
      // Its second worker died holding it: backdated instead of waiting out a lease.
      await db.task.updateMany({ where: { kind: "killer" }, data: { status: "running", attempts: 2, lockedBy: "dead-worker", lockedUntil: new Date(Date.now() - 1) } });
      const failures: Array<[string, string]> = [];
      const ran: number[] = [];
      const gaveUp: string[] = [];
      const logger = capturedLogger();
      const runner = new TaskRunner({
        db,
        databaseUrl: url,
        handlers: [defineTask({ kind: "killer", payload: z.object({ n: z.number() }), run: async ({ n }) => void ran.push(n), gaveUp: async (_payload, { lastError }) => void gaveUp.push(lastError) })],
        clock: systemClock,
        log: logger.log,
        concurrency: 2,
        metrics: { taskFailed: (kind, outcome) => void failures.push([kind, outcome]) },
      });
      expect(await runner.drain()).toEqual({ ran: 0 });
      expect(ran).toEqual([]);
      expect(failures).toEqual([["killer", "failed"]]);
      const reason = "the worker stopped while running it (lease expired) 1 time; giving up";
      expect(gaveUp).toEqual([reason]);
      expect(logger.lines()).toContainEqual(expect.objectContaining({ level: 50, msg: "task failed for good; parked with its error", kind: "killer", reason }));
      expect(await db.task.findFirstOrThrow({ where: { kind: "killer" } })).toMatchObject({ status: "failed", attempts: 2, lastError: reason });
    });

    it("keeps a task's lease while it runs past it (heartbeat): another runner does not take it", async () => {
      let runs = 0;
      const slow = () =>
        defineTask({
          kind: "slow",
          payload: z.object({ n: z.number() }),
          leaseMs: 300,
          run: async (_payload, context) => {
            runs += 1;
            await new Promise((resolve) => setTimeout(resolve, 1_200));
            await context.finish(async (tx) => void (await tx.user.create({ data: { email: `slow-${context.task.id}@example.com` } })));
          },
        });
      await startRunner([slow()], { pollMs: 50 });
      await startRunner([slow()], { pollMs: 50 });
      await enqueue(1, { kind: "slow", prefix: "slow" });
      await expect.poll(() => db.task.count({ where: { kind: "slow", status: "done" } }), { timeout: 5000 }).toBe(1);
      expect(runs).toBe(1);
      expect(await db.task.findFirstOrThrow({ where: { kind: "slow" } })).toMatchObject({ attempts: 1, lastError: null });
    });

    it("calls gaveUp in the transaction that parks a task after its last failed attempt, and parks it even if gaveUp throws", async () => {
      const gaveUp: string[] = [];
      await startRunner([
        defineTask({
          kind: "hopeless",
          payload: z.object({ n: z.number() }),
          run: async () => {
            throw new AppError("never works", { code: "nope", retryable: false });
          },
          gaveUp: async ({ n }, { tx, lastError }) => {
            gaveUp.push(lastError);
            if (n === 1) throw new Error("the hook itself fails");
            await tx.user.create({ data: { email: `gave-up-${n}@example.com` } });
          },
        }),
      ]);
      await enqueue(2, { kind: "hopeless", prefix: "hopeless" });
      await expect.poll(() => db.task.count({ where: { kind: "hopeless", status: "failed" } }), { timeout: 3000 }).toBe(2);
      expect(gaveUp).toEqual(["never works", "never works"]);
      expect((await db.user.findMany({ where: { email: { startsWith: "gave-up-" } } })).map((user) => user.email)).toEqual(["gave-up-0@example.com"]);
    });

    it("refuses a payload that does not match the handler's schema, naming the problem", async () => {
      await startRunner([defineTask({ kind: "typed", payload: z.object({ meetingId: z.uuid() }), run: async () => undefined })]);
      await db.$transaction((tx) => enqueueTasks(tx, [{ kind: "typed", payload: { meetingId: "not-a-uuid" }, idempotencyKey: "typed:1", dueAt: new Date() }]));
      await expect.poll(async () => (await db.task.findFirst({ where: { kind: "typed" } }))?.status, { timeout: 3000 }).toBe("failed");
      expect((await db.task.findFirstOrThrow({ where: { kind: "typed" } })).lastError).toMatch(/payload is invalid.*meetingId/s);
    });
  });
});
