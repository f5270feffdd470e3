import type { Metrics } from "../platform/metrics.js";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { Database } from "../db/client.js";
import type { Clock } from "../platform/clock.js";
import { AppError, errorMessage } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { claimTasks } from "./sql/claim-tasks.js";
import { TASKS_CHANNEL } from "./sql/enqueue-task.js";
import { completeTask, completeTasks, failTask, releaseTasks } from "./sql/finish-task.js";
import type { TaskContext, TaskHandler, Tx } from "./task-handler.js";
import type { ClaimedTask } from "./task-row.js";

export interface TaskRunnerOptions {
  db: Database;
  /** for the LISTEN connection */
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
}

interface ClaimedAhead {
  task: ClaimedTask;
  claimedAt: number;
}

class LeaseLostError extends Error {}

/** A handler's call to `finish`, waiting for its turn to commit. */
interface PendingFinish {
  task: ClaimedTask;
  effects: ((tx: Tx) => Promise<void>) | undefined;
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
  private readonly active = new Map<string, { task: ClaimedTask; run: Promise<void> }>();
  /** claimed, waiting for a free worker, oldest first */
  private readonly ready: ClaimedAhead[] = [];
  private listener: pg.Client | undefined;
  private running = false;
  /** set by every wake-up, so one that arrives while the loop is claiming is not lost */
  private wakeRequested = false;
  private resolveWait: (() => void) | undefined;
  private nextDueTimer: NodeJS.Timeout | undefined;
  private nextDueAt = Number.POSITIVE_INFINITY;
  /** moving average of how long a task runs, to size claims ahead; unknown until one ran */
  private averageRunMs: number | undefined;
  private readonly finishing: PendingFinish[] = [];
  private committing = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.claimAheadMs = options.claimAheadMs ?? 200;
    this.maxClaimAhead = options.maxClaimAhead ?? 100;
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
    await this.loop;
    await this.release(this.ready.splice(0).map((entry) => entry.task));
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.active.values()].map((entry) => entry.run));
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.release([...this.active.values()].map((entry) => entry.task));
    await this.listener?.end().catch(() => undefined);
  }

  private async release(tasks: readonly ClaimedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.options.db
      .$transaction((tx) => releaseTasks(tx, { ids: tasks.map((task) => task.id), workerId: this.workerId, now: this.options.clock.now() }))
      .catch((error: unknown) => this.options.log.warn({ taskIds: tasks.map((task) => task.id), reason: errorMessage(error) }, "could not release tasks; their leases will expire"));
  }

  /** Runs every task due now, then returns (for `npm run job -- tasks`). */
  async drain(): Promise<{ ran: number }> {
    let ran = 0;
    for (;;) {
      const claimed = await this.claim(this.options.concurrency);
      if (claimed.length === 0) return { ran };
      ran += claimed.length;
      await Promise.all(claimed.map((task) => this.execute(task)));
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on("error", (error) => {
      this.options.log.warn({ reason: errorMessage(error) }, "task notification connection lost; reconnecting");
      this.listener = undefined;
      setTimeout(() => void (this.running ? this.listen().catch(() => undefined) : undefined), 1000);
    });
    client.on("notification", (message) => this.onNotification(message.payload));
    await client.connect();
    await client.query(`listen ${TASKS_CHANNEL}`);
    this.listener = client;
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
      await this.startReady();
      const free = this.options.concurrency - this.active.size;
      if (free > 0) {
        const limit = free + this.claimAhead();
        const claimed = await this.claim(limit).catch((error: unknown) => {
          this.options.log.warn({ reason: errorMessage(error) }, "claiming tasks failed; retrying");
          return [];
        });
        const claimedAt = performance.now();
        for (const task of claimed) this.ready.push({ task, claimedAt });
        await this.startReady();
        // A full claim means more may be due: claim again as soon as a worker is free.
        if (claimed.length < limit && !this.wakeRequested) await this.armNextDueTimer();
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
   * Starts claimed tasks on free workers. One that waited past half its lease is given back
   * instead: it could run out before the task ends, and another worker would run it twice.
   */
  private async startReady(): Promise<void> {
    const stale: ClaimedTask[] = [];
    while (this.ready.length > 0 && this.active.size < this.options.concurrency) {
      const { task, claimedAt } = this.ready.shift()!;
      if (performance.now() - claimedAt > this.leaseMs / 2) {
        stale.push(task);
        continue;
      }
      const started = performance.now();
      const run = this.execute(task).finally(() => {
        const ranMs = performance.now() - started;
        this.averageRunMs = this.averageRunMs === undefined ? ranMs : this.averageRunMs * 0.9 + ranMs * 0.1;
        this.active.delete(task.id);
        this.wake();
      });
      this.active.set(task.id, { task, run });
    }
    await this.release(stale);
  }

  /** Sets a timer for the earliest queued task, so a task due later starts on time. */
  private async armNextDueTimer(): Promise<void> {
    const next = await this.options.db.task
      .findFirst({ where: { status: "queued" }, orderBy: { dueAt: "asc" }, select: { dueAt: true } })
      .catch(() => null);
    if (next) this.scheduleWake(Math.max(0, next.dueAt.getTime() - this.options.clock.now().getTime()));
  }

  private claim(limit: number): Promise<ClaimedTask[]> {
    return claimTasks(this.options.db, { workerId: this.workerId, kinds: [...this.handlers.keys()], limit, leaseMs: this.leaseMs, now: this.options.clock.now() });
  }

  private async execute(task: ClaimedTask): Promise<void> {
    const { db, clock } = this.options;
    const log = this.options.log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts });
    const handler = this.handlers.get(task.kind);
    if (!handler) return this.fail(task, new AppError(`No handler for task kind "${task.kind}"`, { code: "unknown_task_kind" }), log);
    const payload = handler.payload.safeParse(task.payload);
    if (!payload.success) return this.fail(task, new AppError(`Task payload is invalid: ${payload.error.message}`, { code: "invalid_task_payload" }), log);

    let finished = false;
    const context: TaskContext = {
      task,
      now: clock.now(),
      log,
      db,
      finish: async (effects) => {
        await new Promise<void>((resolve, reject) => {
          this.finishing.push({ task, effects, resolve, reject });
          void this.commitFinishes();
        });
        finished = true;
      },
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
   * Group commit. A transaction per task cost ~1 ms of CPU in Prisma alone (BEGIN, COMMIT
   * and its interactive-transaction machinery), more than the work of a short task
   * (bench/tasks.ts). So while one commit is in flight, the `finish` calls of the other
   * workers queue up, and the next transaction carries all of them: each task's effects,
   * then one statement marking them all done. Each task still commits with its effects.
   * If any effect throws or any lease is gone, nothing of that transaction commits and each
   * task is finished on its own, so one task's failure never takes another's effects with
   * it. A lone task (the idle case) goes straight to its own transaction.
   */
  private async commitFinishes(): Promise<void> {
    if (this.committing) return;
    this.committing = true;
    try {
      while (this.finishing.length > 0) {
        const group = this.finishing.splice(0);
        if (group.length === 1 || !(await this.finishTogether(group))) await Promise.all(group.map((entry) => this.finishAlone(entry)));
      }
    } finally {
      this.committing = false;
    }
  }

  private async finishTogether(group: readonly PendingFinish[]): Promise<boolean> {
    const { db, clock } = this.options;
    try {
      await db.$transaction(async (tx) => {
        for (const entry of group) await entry.effects?.(tx);
        const done = await completeTasks(tx, { ids: group.map((entry) => entry.task.id), workerId: this.workerId, now: clock.now() });
        if (done !== group.length) throw new LeaseLostError();
      });
    } catch {
      return false; // rolled back: finishAlone tells each task what happened to it
    }
    for (const entry of group) entry.resolve();
    return true;
  }

  private async finishAlone(entry: PendingFinish): Promise<void> {
    const { db, clock } = this.options;
    try {
      await db.$transaction(async (tx) => {
        await entry.effects?.(tx);
        if (!(await completeTask(tx, { id: entry.task.id, workerId: this.workerId, now: clock.now() }))) throw new LeaseLostError();
      });
      entry.resolve();
    } catch (error) {
      entry.reject(error);
    }
  }

  private async fail(task: ClaimedTask, error: unknown, log: Logger): Promise<void> {
    const permanent = error instanceof AppError && !error.retryable;
    const retryAfterMs = error instanceof AppError ? error.retryAfterMs : null;
    const outcome = await this.options.db
      .$transaction((tx) => failTask(tx, { id: task.id, workerId: this.workerId, now: this.options.clock.now(), error: errorMessage(error), retryAfterMs, permanent }))
      .catch((dbError: unknown) => {
        log.error({ reason: errorMessage(dbError) }, "could not record a task failure; its lease will expire and it will run again");
        return "lost" as const;
      });
    this.options.metrics?.taskFailed(task.kind, outcome);
    if (outcome === "failed") log.error({ err: error, reason: errorMessage(error) }, "task failed for good; parked with its error");
    else log.warn({ reason: errorMessage(error), outcome }, "task attempt failed");
  }
}
