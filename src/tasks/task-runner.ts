import type { Metrics } from "../platform/index.js";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { Database } from "../platform/index.js";
import type { Clock } from "../platform/index.js";
import { AppError, errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { claimTasks } from "./sql/claim-tasks.js";
import { TASKS_CHANNEL } from "./sql/enqueue-task.js";
import { completeHeldTasks, completeTasks, failTask, releaseTasks } from "./sql/finish-task.js";
import { prismaSqlClient, type SqlClient } from "./sql/sql-client.js";
import type { TaskContext, TaskHandler, Tx } from "./task-handler.js";
import type { ClaimedTask } from "./task-row.js";

export interface TaskRunnerOptions {
  db: Database;
  /** for the LISTEN connection and the runner's own pool (claims, completions, failures) */
  databaseUrl: string;
  handlers: readonly TaskHandler<unknown>[];
  clock: Clock;
  log: Logger;
  concurrency: number;
  leaseMs?: number;
  /** safety-net poll when no notification arrives */
  pollMs?: number;
  /**
   * How much work, in expected run time, one claim may take beyond the free workers (default
   * 200 ms). Claiming costs about the same for one task as for fifty (the statement sorts
   * every due task by priority), so under a backlog of short tasks this runner claims ahead
   * and starts the extra tasks as workers free up; they hold their lease meanwhile and are
   * given back on stop. Tasks that take seconds are never claimed ahead. 0 turns it off.
   */
  claimAheadMs?: number;
  /** upper bound on tasks claimed ahead (default 100) */
  maxClaimAhead?: number;
  metrics?: Pick<Metrics, "taskFailed">;
  /**
   * Completions committing at once, each in its own transaction on its own connection
   * (default 4, the best of 2/4/8 in bench/tasks.ts): while one commits, the next group
   * gathers and starts on another connection.
   */
  maxCommitsInFlight?: number;
}

interface ClaimedAhead {
  task: ClaimedTask;
  claimedAt: number;
}

class LeaseLostError extends Error {}

/** What a handler asked to commit with its completion: Prisma effects, SQL effects, or none. */
type Effects = { prisma: (tx: Tx) => Promise<void> } | { sql: (sql: SqlClient) => Promise<void> } | undefined;

/** A handler's call to `finish`, waiting for its turn to commit. */
interface PendingFinish {
  task: ClaimedTask;
  effects: Effects;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Runs due tasks with `concurrency` workers in this process. Wakes on NOTIFY (a task due
 * now starts at once), on a timer set for the next due task (a task due later starts on
 * time), and on a slow poll that also picks up expired leases. Any number of runners in
 * any number of processes can share one database.
 */
export class TaskRunner {
  readonly workerId = `worker-${randomUUID().slice(0, 8)}`;
  private readonly handlers: Map<string, TaskHandler<unknown>>;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly claimAheadMs: number;
  private readonly maxClaimAhead: number;
  /** every task this runner started and whose run has not ended, committing ones included */
  private readonly active = new Map<string, { task: ClaimedTask; run: Promise<void> }>();
  /**
   * Tasks holding a worker: from start until the handler hands its effects to `finish` (or
   * returns). Then the worker takes the next task while the commit is in flight, as
   * graphile-worker's workers do not wait for complete_job either; `concurrency` bounds
   * handlers doing their own work, not completions waiting for the database.
   */
  private readonly busy = new Set<string>();
  /** claimed, waiting for a free worker, oldest first */
  private readonly ready: ClaimedAhead[] = [];
  private listener: pg.Client | undefined;
  private relistenTimer: NodeJS.Timeout | undefined;
  private pool: pg.Pool | undefined;
  private claimPool: pg.Pool | undefined;
  private running = false;
  /** set by every wake-up, so one that arrives while the loop is claiming is not lost */
  private wakeRequested = false;
  private resolveWait: (() => void) | undefined;
  private nextDueTimer: NodeJS.Timeout | undefined;
  private nextDueAt = Number.POSITIVE_INFINITY;
  /** moving average of how long a task runs, to size claims ahead; unknown until one ran */
  private averageRunMs: number | undefined;
  private readonly finishing: PendingFinish[] = [];
  private commitsInFlight = 0;
  /** tasks handed to `finish` and not yet committed (or rolled back) */
  private uncommitted = 0;
  private readonly maxCommitsInFlight: number;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.claimAheadMs = options.claimAheadMs ?? 200;
    this.maxClaimAhead = options.maxClaimAhead ?? 100;
    this.maxCommitsInFlight = Math.max(1, options.maxCommitsInFlight ?? 4);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.loop = this.runLoop();
  }

  /**
   * Stops claiming and waits up to `graceMs` for running tasks. Tasks still running then are
   * released, so another instance takes them at once; if ours finishes after all, its
   * completion finds the lease gone and rolls back.
   */
  async stop(graceMs = 15_000): Promise<void> {
    this.running = false;
    this.wake();
    clearTimeout(this.nextDueTimer);
    clearTimeout(this.relistenTimer);
    await this.loop;
    await this.release(this.ready.splice(0).map((entry) => entry.task));
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.active.values()].map((entry) => entry.run));
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.release([...this.active.values()].map((entry) => entry.task));
    await this.listener?.end().catch(() => undefined);
    await this.closePool();
  }

  /**
   * The runner's own connections, kept open while idle (no idle timeout): a wake-up claims on
   * a connection that is already there instead of opening one (~5 ms). `allowExitOnIdle`
   * so that a runner used only for `drain` never keeps a process alive.
   */
  private get sql(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.options.databaseUrl, max: Math.max(this.options.concurrency, this.maxCommitsInFlight) + 2, idleTimeoutMillis: 0, allowExitOnIdle: true });
      this.pool.on("error", (error) => this.options.log.warn({ reason: errorMessage(error) }, "an idle task-runner connection failed; the pool replaces it"));
    }
    return this.pool;
  }

  /**
   * One connection for the claim loop, on which the planner may not sort. The claim must walk
   * its partial index in order and stop after `limit` rows; on a table without statistics (a
   * fresh or freshly bulk-loaded one, before autovacuum's first ANALYZE) the planner guesses a
   * handful of queued rows and would rather read and sort all of them: 8–18 ms per claim with
   * 20,000 queued instead of ~1 ms. Only the claim loop's statements run here.
   */
  private get claimSql(): pg.Pool {
    if (!this.claimPool) {
      this.claimPool = new pg.Pool({ connectionString: this.options.databaseUrl, max: 1, idleTimeoutMillis: 0, allowExitOnIdle: true, options: "-c enable_sort=off" });
      this.claimPool.on("error", (error) => this.options.log.warn({ reason: errorMessage(error) }, "the idle claim connection failed; the pool replaces it"));
    }
    return this.claimPool;
  }

  private async closePool(): Promise<void> {
    const pools = [this.pool, this.claimPool];
    this.pool = undefined;
    this.claimPool = undefined;
    await Promise.all(pools.map((pool) => pool?.end().catch(() => undefined)));
  }

  private async release(tasks: readonly ClaimedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await releaseTasks(this.sql, { ids: tasks.map((task) => task.id), workerId: this.workerId, now: this.options.clock.now() })
      .catch((error: unknown) => this.options.log.warn({ taskIds: tasks.map((task) => task.id), reason: errorMessage(error) }, "could not release tasks; their leases will expire"));
  }

  /** Runs every task due now, then returns (for `npm run job -- tasks`). */
  async drain(): Promise<{ ran: number }> {
    let ran = 0;
    try {
      for (;;) {
        const claimed = await this.claim(this.options.concurrency);
        if (claimed.length === 0) return { ran };
        ran += claimed.length;
        await Promise.all(claimed.map((task) => this.execute(task)));
      }
    } finally {
      if (!this.running) await this.closePool();
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on("error", (error) => {
      this.options.log.warn({ reason: errorMessage(error) }, "task notification connection lost; reconnecting");
      if (this.listener === client) this.listener = undefined;
      this.relisten(1000);
    });
    client.on("notification", (message) => this.onNotification(message.payload));
    try {
      await client.connect();
      await client.query(`listen ${TASKS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  /**
   * Keeps trying until LISTEN is back (a database outage can outlast any single retry), with
   * a growing delay; then claims at once, for the notifications missed while it was away.
   */
  private relisten(delayMs: number): void {
    if (this.relistenTimer) return;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      if (!this.running) return;
      this.listen().then(
        () => this.wake(),
        (error: unknown) => {
          this.options.log.debug({ reason: errorMessage(error) }, "task notification reconnect failed; trying again");
          this.relisten(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs);
    this.relistenTimer.unref();
  }

  private onNotification(payload: string | undefined): void {
    const due = payload ? Date.parse(payload) : NaN;
    const delay = Number.isNaN(due) ? 0 : due - this.options.clock.now().getTime();
    if (delay <= 0) this.wake();
    else this.scheduleWake(delay);
  }

  private readonly wake = (): void => {
    this.wakeRequested = true;
    const resolve = this.resolveWait;
    this.resolveWait = undefined;
    resolve?.();
  };

  /** Keeps the earliest of the wake-ups asked for: a later one never pushes it back. */
  private scheduleWake(delayMs: number): void {
    const at = performance.now() + delayMs;
    if (this.nextDueTimer && at >= this.nextDueAt) return;
    clearTimeout(this.nextDueTimer);
    this.nextDueAt = at;
    this.nextDueTimer = setTimeout(() => {
      this.nextDueTimer = undefined;
      this.nextDueAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.min(delayMs, 2 ** 31 - 1));
  }

  private waitForWake(): Promise<void> {
    if (this.wakeRequested || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.resolveWait = undefined;
        resolve();
      }, this.pollMs);
      this.resolveWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      // Cleared before claiming: a task committed after the claim's snapshot sets it again.
      this.wakeRequested = false;
      this.startReady();
      // Keep `concurrency` plus about `claimAheadMs` of work on hand, and refill in large
      // claims (once half the tasks claimed ahead have started), not one task at a time.
      const ahead = this.claimAhead();
      const wanted = this.options.concurrency + ahead - this.busy.size - this.ready.length;
      const refill = this.ready.length === 0 || this.ready.length <= ahead / 2;
      if (wanted > 0 && refill) {
        const claimed = await this.claim(wanted).catch((error: unknown) => {
          this.options.log.warn({ reason: errorMessage(error) }, "claiming tasks failed; retrying");
          return [];
        });
        const claimedAt = performance.now();
        for (const task of claimed) this.ready.push({ task, claimedAt });
        this.startReady();
        // A full claim means more may be due: claim again as soon as there is room.
        if (claimed.length < wanted && !this.wakeRequested) await this.armNextDueTimer();
      }
      await this.waitForWake();
    }
  }

  /** How many tasks to claim beyond the free workers: about `claimAheadMs` of work. */
  private claimAhead(): number {
    if (this.averageRunMs === undefined || this.claimAheadMs <= 0) return 0;
    const ahead = Math.floor((this.options.concurrency * this.claimAheadMs) / Math.max(this.averageRunMs, 0.1));
    return Math.min(this.maxClaimAhead, ahead);
  }

  /**
   * Starts claimed tasks on free workers (called whenever a worker frees up, not only by the
   * loop, so a worker never waits for a claim in flight). One that waited past half its lease
   * is given back instead: it could run out before the task ends, and another worker would
   * run it twice. No task starts while `maxClaimAhead` completions (at least `concurrency`)
   * wait for the database: a slow commit path slows the workers instead of piling up.
   */
  private startReady(): void {
    const stale: ClaimedTask[] = [];
    while (this.ready.length > 0 && this.busy.size < this.options.concurrency && this.uncommitted < Math.max(this.maxClaimAhead, this.options.concurrency)) {
      const { task, claimedAt } = this.ready.shift()!;
      if (performance.now() - claimedAt > this.leaseMs / 2) {
        stale.push(task);
        continue;
      }
      const started = performance.now();
      this.busy.add(task.id);
      const freeWorker = () => {
        if (!this.busy.delete(task.id)) return;
        const ranMs = performance.now() - started;
        this.averageRunMs = this.averageRunMs === undefined ? ranMs : this.averageRunMs * 0.9 + ranMs * 0.1;
        if (this.running) this.startReady();
        this.wake();
      };
      const run = this.execute(task, freeWorker).finally(() => {
        freeWorker();
        this.active.delete(task.id);
        if (this.running) this.startReady();
      });
      this.active.set(task.id, { task, run });
    }
    if (stale.length > 0) void this.release(stale);
  }

  /** Sets a timer for the earliest queued task, so a task due later starts on time. */
  private async armNextDueTimer(): Promise<void> {
    const next = await this.claimSql
      .query("select min(due_at) as due_at from tasks where status = 'queued' and kind = any($1::text[])", [[...this.handlers.keys()]])
      .then(({ rows }) => (rows[0] as { due_at: Date | null } | undefined)?.due_at ?? null)
      .catch(() => null);
    if (next) this.scheduleWake(Math.max(0, next.getTime() - this.options.clock.now().getTime()));
  }

  private async claim(limit: number): Promise<ClaimedTask[]> {
    const { claimed, parked } = await claimTasks(this.claimSql, { workerId: this.workerId, kinds: [...this.handlers.keys()], limit, leaseMs: this.leaseMs, now: this.options.clock.now() });
    // Parked by the claim on its last attempt (its worker kept dying): counted and logged as
    // a task that failed its last attempt is in `fail`.
    for (const task of parked) {
      this.options.metrics?.taskFailed(task.kind, "failed");
      this.options.log.error({ taskId: task.id, kind: task.kind, attempt: task.attempts, reason: task.lastError }, "task failed for good; parked with its error");
    }
    return claimed;
  }

  /** `handedOver` is called when the handler gives its effects to `finish`: its worker is free. */
  private async execute(task: ClaimedTask, handedOver: () => void = () => undefined): Promise<void> {
    const { db, clock } = this.options;
    const log = this.options.log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts });
    const handler = this.handlers.get(task.kind);
    if (!handler) return this.fail(task, new AppError(`No handler for task kind "${task.kind}"`, { code: "unknown_task_kind" }), log);
    const payload = handler.payload.safeParse(task.payload);
    if (!payload.success) return this.fail(task, new AppError(`Task payload is invalid: ${payload.error.message}`, { code: "invalid_task_payload" }), log);

    let finished = false;
    const finish = async (effects: Effects) => {
      this.uncommitted += 1;
      try {
        await new Promise<void>((resolve, reject) => {
          this.finishing.push({ task, effects, resolve, reject });
          handedOver();
          this.commitFinishes();
        });
      } finally {
        this.uncommitted -= 1;
      }
      finished = true;
    };
    const context: TaskContext = {
      task,
      now: clock.now(),
      log,
      db,
      finish: (effects) => finish(effects ? { prisma: effects } : undefined),
      finishWithSql: (effects) => finish({ sql: effects }),
    };
    try {
      await handler.run(payload.data, context);
      if (!finished) await context.finish();
      log.debug("task done");
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log.warn("task lease ran out before it finished; its effects were rolled back and another worker has it");
        return;
      }
      await this.fail(task, error, log);
    }
  }

  /**
   * Group commit. While one commit is in flight, the `finish` calls of the other workers
   * queue up, and the next transaction carries all of them: each task's effects, then one
   * statement marking them all done. Each task still commits with its effects. If any effect
   * throws or any lease is gone, nothing of that transaction commits and each task is
   * finished on its own, so one task's failure never takes another's effects with it (a
   * SAVEPOINT per task would cost a round trip per task to save a retry that only failures
   * pay). SQL effects and effect-free completions go over the runner's pool; Prisma effects
   * in a Prisma transaction alongside (a Prisma transaction cannot take raw statements on
   * our pool's connection, nor the reverse).
   */
  private commitFinishes(): void {
    if (this.commitsInFlight >= this.maxCommitsInFlight || this.finishing.length === 0) return;
    this.commitsInFlight += 1;
    // Workers started in the same turn finish in the same turn: let all their calls queue
    // up before this commit takes them, or the first would go alone and the rest wait.
    setImmediate(() => {
      const group = this.finishing.splice(0);
      const viaPrisma = group.filter((entry) => entry.effects !== undefined && "prisma" in entry.effects);
      const viaSql = group.filter((entry) => !viaPrisma.includes(entry));
      void Promise.all([this.commitGroup(viaSql), this.commitGroup(viaPrisma)]).finally(() => {
        this.commitsInFlight -= 1;
        this.commitFinishes();
      });
    });
  }

  private async commitGroup(group: readonly PendingFinish[]): Promise<void> {
    if (group.length === 0) return;
    if (group.every((entry) => entry.effects === undefined)) return this.completeWithoutEffects(group);
    try {
      await this.commit(group);
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      // Rolled back: each task on its own tells it what happened to it.
      await Promise.all(group.map((entry) => this.commit([entry]).then(entry.resolve, entry.reject)));
    }
  }

  /** No effects: one autocommitted statement, and each task learns whether it still held its lease. */
  private async completeWithoutEffects(group: readonly PendingFinish[]): Promise<void> {
    try {
      const done = new Set(await completeHeldTasks(this.sql, { ids: group.map((entry) => entry.task.id), workerId: this.workerId, now: this.options.clock.now() }));
      for (const entry of group) (done.has(entry.task.id) ? entry.resolve() : entry.reject(new LeaseLostError()));
    } catch (error) {
      for (const entry of group) entry.reject(error);
    }
  }

  /** One transaction: the group's effects, then their completion, or nothing at all. */
  private async commit(group: readonly PendingFinish[]): Promise<void> {
    const ids = group.map((entry) => entry.task.id);
    const complete = async (sql: SqlClient) => {
      const done = await completeTasks(sql, { ids, workerId: this.workerId, now: this.options.clock.now() });
      if (done !== ids.length) throw new LeaseLostError();
    };
    if (group.some((entry) => entry.effects !== undefined && "prisma" in entry.effects)) {
      await this.options.db.$transaction(async (tx) => {
        for (const entry of group) if (entry.effects && "prisma" in entry.effects) await entry.effects.prisma(tx);
        await complete(prismaSqlClient(tx));
      });
      return;
    }
    const client = await this.sql.connect();
    let broken: Error | undefined;
    try {
      await client.query("begin");
      for (const entry of group) if (entry.effects && "sql" in entry.effects) await entry.effects.sql(client);
      await complete(client);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async fail(task: ClaimedTask, error: unknown, log: Logger): Promise<void> {
    const permanent = error instanceof AppError && !error.retryable;
    const retryAfterMs = error instanceof AppError ? error.retryAfterMs : null;
    const outcome = await failTask(this.sql, { id: task.id, workerId: this.workerId, now: this.options.clock.now(), error: errorMessage(error), retryAfterMs, permanent })
      .catch((dbError: unknown) => {
        log.error({ reason: errorMessage(dbError) }, "could not record a task failure; its lease will expire and it will run again");
        return "lost" as const;
      });
    this.options.metrics?.taskFailed(task.kind, outcome);
    if (outcome === "failed") log.error({ err: error, reason: errorMessage(error) }, "task failed for good; parked with its error");
    else log.warn({ reason: errorMessage(error), outcome }, "task attempt failed");
  }
}
