import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Database } from "../db/client.js";
import type { Clock } from "../platform/clock.js";
import { AppError, errorMessage } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { claimTasks } from "./sql/claim-tasks.js";
import { TASKS_CHANNEL } from "./sql/enqueue-task.js";
import { completeTask, failTask, releaseTask } from "./sql/finish-task.js";
import type { TaskContext, TaskHandler } from "./task-handler.js";
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
}

class LeaseLostError extends Error {}

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
  private readonly active = new Map<string, { task: ClaimedTask; run: Promise<void> }>();
  private listener: pg.Client | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  private nextDueTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.pollMs = options.pollMs ?? 5_000;
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
    this.wake?.();
    clearTimeout(this.nextDueTimer);
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.active.values()].map((entry) => entry.run));
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const { task } of this.active.values()) {
      await this.options.db
        .$transaction((tx) => releaseTask(tx, { id: task.id, workerId: this.workerId, now: this.options.clock.now() }))
        .catch((error: unknown) => this.options.log.warn({ taskId: task.id, reason: errorMessage(error) }, "could not release a task; its lease will expire"));
    }
    await this.listener?.end().catch(() => undefined);
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
    if (delay <= 0) this.wake?.();
    else this.scheduleWake(delay);
  }

  private scheduleWake(delayMs: number): void {
    clearTimeout(this.nextDueTimer);
    this.nextDueTimer = setTimeout(() => this.wake?.(), Math.min(delayMs, 2 ** 31 - 1));
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      const free = this.options.concurrency - this.active.size;
      let claimed: ClaimedTask[] = [];
      if (free > 0) {
        claimed = await this.claim(free).catch((error: unknown) => {
          this.options.log.warn({ reason: errorMessage(error) }, "claiming tasks failed; retrying");
          return [];
        });
        for (const task of claimed) {
          const run = this.execute(task).finally(() => {
            this.active.delete(task.id);
            this.wake?.();
          });
          this.active.set(task.id, { task, run });
        }
      }
      if (claimed.length === free && free > 0) continue;
      if (claimed.length === 0 && free > 0) await this.armNextDueTimer();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
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
        await db.$transaction(async (tx) => {
          await effects?.(tx);
          if (!(await completeTask(tx, { id: task.id, workerId: this.workerId, now: clock.now() }))) throw new LeaseLostError();
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

  private async fail(task: ClaimedTask, error: unknown, log: Logger): Promise<void> {
    const permanent = error instanceof AppError && !error.retryable;
    const retryAfterMs = error instanceof AppError ? error.retryAfterMs : null;
    const outcome = await this.options.db
      .$transaction((tx) => failTask(tx, { id: task.id, workerId: this.workerId, now: this.options.clock.now(), error: errorMessage(error), retryAfterMs, permanent }))
      .catch((dbError: unknown) => {
        log.error({ reason: errorMessage(dbError) }, "could not record a task failure; its lease will expire and it will run again");
        return "lost" as const;
      });
    if (outcome === "failed") log.error({ err: error, reason: errorMessage(error) }, "task failed for good; parked with its error");
    else log.warn({ reason: errorMessage(error), outcome }, "task attempt failed");
  }
}
