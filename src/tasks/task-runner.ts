import type { Metrics } from "../platform/index.js";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { Database } from "../platform/index.js";
import type { Clock } from "../platform/index.js";
import { AppError, errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { NotificationListener } from "../platform/index.js";
import { CommitBatcher, LeaseLostError, type Effects } from "./commit-batcher.js";
import { Heartbeat } from "./heartbeat.js";
import { LocalQueue } from "./local-queue.js";
import { claimTasks, type SpentTask } from "./sql/claim-tasks.js";
import { TASKS_CHANNEL } from "./sql/enqueue-task.js";
import { releaseTasks } from "./sql/finish-task.js";
import { DEFAULT_LEASE_MS, type TaskContext, type TaskHandler } from "./task-handler.js";
import type { ClaimedTask } from "./task-row.js";
import { WakeSignal } from "./wake-signal.js";

export interface TaskRunnerOptions {
  db: Database;
  /** for the runner's own connections (claims, commits, heartbeat) */
  databaseUrl: string;
  handlers: readonly TaskHandler<unknown>[];
  clock: Clock;
  log: Logger;
  concurrency: number;
  /** the lease of kinds that name none (default DEFAULT_LEASE_MS) */
  leaseMs?: number;
  /** safety-net poll when no notification arrives; also how soon an expired lease is seen */
  pollMs?: number;
  /** how much work, in expected run time, one claim may take beyond the free workers (LocalQueue; default 200 ms, 0 = off) */
  claimAheadMs?: number;
  /** upper bound on tasks claimed ahead (default 100) */
  maxClaimAhead?: number;
  metrics?: Pick<Metrics, "taskFailed">;
  /** group commits in flight, each on its own connection (default 4, the best of 2/4/8 in bench/tasks.ts) */
  maxCommitsInFlight?: number;
  /** the process's shared LISTEN connection; the runner opens its own if none is given */
  listener?: NotificationListener;
}

/**
 * Runs due tasks with `concurrency` workers in this process: claims (ahead, LocalQueue),
 * runs each handler, and hands its effects to the CommitBatcher, while the Heartbeat keeps
 * its leases. Wakes on NOTIFY (a task due now starts at once), on a timer set for the next
 * due task, and on a slow poll that also picks up expired leases. Any number of runners in
 * any number of processes can share one database.
 */
export class TaskRunner {
  readonly workerId = `worker-${randomUUID().slice(0, 8)}`;
  private readonly handlers: Map<string, TaskHandler<unknown>>;
  private readonly defaultLeaseMs: number;
  private readonly leaseMsByKind: Record<string, number>;
  private readonly queue: LocalQueue;
  private readonly batcher: CommitBatcher;
  private readonly heartbeat: Heartbeat;
  private readonly wake: WakeSignal;
  private readonly ownsListener: boolean;
  private readonly listener: NotificationListener;
  private unsubscribe: (() => void) | undefined;
  /** every task this runner started and whose run has not ended, committing ones included */
  private readonly active = new Map<string, { task: ClaimedTask; run: Promise<void> }>();
  /**
   * Tasks holding a worker: from start until the handler hands its effects to `finish`.
   * Then the worker takes the next task while the commit is in flight (graphile-worker's
   * workers do not wait for complete_job either); `concurrency` bounds handlers at work.
   */
  private readonly busy = new Set<string>();
  private claimPool: pg.Pool | undefined;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
    this.defaultLeaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.leaseMsByKind = Object.fromEntries(options.handlers.map((handler) => [handler.kind, handler.leaseMs ?? this.defaultLeaseMs]));
    this.queue = new LocalQueue({ concurrency: options.concurrency, claimAheadMs: options.claimAheadMs ?? 200, maxClaimAhead: options.maxClaimAhead ?? 100 });
    this.batcher = new CommitBatcher({ databaseUrl: options.databaseUrl, workerId: this.workerId, now: () => options.clock.now(), log: options.log, maxInFlight: Math.max(1, options.maxCommitsInFlight ?? 4) });
    const shortestLease = Math.min(this.defaultLeaseMs, ...Object.values(this.leaseMsByKind));
    this.heartbeat = new Heartbeat({
      sql: () => this.batcher.sql,
      workerId: this.workerId,
      clock: options.clock,
      log: options.log,
      everyMs: Math.max(50, shortestLease / 3),
      held: () => [...[...this.active.values()].map((entry) => entry.task), ...this.queue.tasks],
      leaseMs: (kind) => this.leaseMs(kind),
    });
    this.wake = new WakeSignal(options.pollMs ?? 5_000, () => options.clock.now());
    this.ownsListener = !options.listener;
    this.listener = options.listener ?? new NotificationListener(options.databaseUrl, options.log);
  }

  private leaseMs(kind: string): number {
    return this.leaseMsByKind[kind] ?? this.defaultLeaseMs;
  }

  async start(): Promise<void> {
    this.running = true;
    this.unsubscribe = await this.listener.subscribe(TASKS_CHANNEL, {
      onNotification: (payload) => this.wake.notified(payload),
      onReconnect: () => this.wake.now(),
    });
    this.heartbeat.start();
    this.loop = this.runLoop();
  }

  /**
   * Stops claiming and waits up to `graceMs` for running tasks. Tasks still running then are
   * released, so another instance takes them at once; if ours finishes after all, its
   * completion finds the lease gone and rolls back.
   */
  async stop(graceMs = 15_000): Promise<void> {
    this.running = false;
    this.wake.stop();
    await this.loop;
    this.unsubscribe?.();
    if (this.ownsListener) await this.listener.close();
    await this.release(this.queue.drain());
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.active.values()].map((entry) => entry.run));
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.heartbeat.stop();
    await this.release([...this.active.values()].map((entry) => entry.task));
    await this.closePools();
  }

  /** Runs every task due now, then returns (for `npm run job -- tasks`). */
  async drain(): Promise<{ ran: number }> {
    let ran = 0;
    this.heartbeat.start();
    try {
      for (;;) {
        const claimed = await this.claim(this.options.concurrency);
        if (claimed.length === 0) {
          // Spent tasks the claim took are being parked: done before returning.
          await Promise.allSettled([...this.active.values()].map((entry) => entry.run));
          return { ran };
        }
        ran += claimed.length;
        await Promise.all(claimed.map((task) => this.track(task, this.execute(task))));
      }
    } finally {
      await this.heartbeat.stop();
      if (!this.running) await this.closePools();
    }
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

  private async closePools(): Promise<void> {
    const claimPool = this.claimPool;
    this.claimPool = undefined;
    await Promise.all([claimPool?.end().catch(() => undefined), this.batcher.close()]);
  }

  private async release(tasks: readonly ClaimedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await releaseTasks(this.batcher.sql, { ids: tasks.map((task) => task.id), workerId: this.workerId, now: this.options.clock.now() })
      .catch((error: unknown) => this.options.log.warn({ taskIds: tasks.map((task) => task.id), reason: errorMessage(error) }, "could not release tasks; their leases will expire"));
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      // Cleared before claiming: a task committed after the claim's snapshot sets it again.
      this.wake.clear();
      this.startReady();
      const wanted = this.queue.wanted(this.busy.size);
      if (wanted > 0) {
        const claimed = await this.claim(wanted).catch((error: unknown) => {
          this.options.log.warn({ reason: errorMessage(error) }, "claiming tasks failed; retrying");
          return [];
        });
        this.queue.push(claimed);
        this.startReady();
        // A full claim means more may be due: claim again as soon as there is room.
        if (claimed.length < wanted && !this.wake.requested) await this.armNextDueTimer();
      }
      await this.wake.wait();
    }
  }

  /**
   * Starts claimed tasks on free workers (called whenever a worker frees up, not only by the
   * loop, so a worker never waits for a claim in flight). No task starts while many
   * completions wait for the database: a slow commit path slows the workers instead of
   * piling up.
   */
  private startReady(): void {
    const maxUncommitted = Math.max(this.options.maxClaimAhead ?? 100, this.options.concurrency);
    while (this.queue.size > 0 && this.busy.size < this.options.concurrency && this.batcher.pending < maxUncommitted) {
      const task = this.queue.shift()!;
      const started = performance.now();
      this.busy.add(task.id);
      const freeWorker = () => {
        if (!this.busy.delete(task.id)) return;
        this.queue.ran(performance.now() - started);
        if (this.running) this.startReady();
        this.wake.now();
      };
      void this.track(task, this.execute(task, freeWorker).finally(freeWorker)).finally(() => {
        if (this.running) this.startReady();
      });
    }
  }

  private track(task: ClaimedTask, run: Promise<void>): Promise<void> {
    const tracked = run.finally(() => this.active.delete(task.id));
    this.active.set(task.id, { task, run: tracked });
    return tracked;
  }

  /** Sets a timer for the earliest queued task, so a task due later starts on time. */
  private async armNextDueTimer(): Promise<void> {
    const next = await this.claimSql
      .query("select min(due_at) as due_at from tasks where status = 'queued' and kind = any($1::text[])", [[...this.handlers.keys()]])
      .then(({ rows }) => (rows[0] as { due_at: Date | null } | undefined)?.due_at ?? null)
      .catch(() => null);
    if (next) this.wake.at(next);
  }

  private async claim(limit: number): Promise<ClaimedTask[]> {
    const { claimed, spent } = await claimTasks(this.claimSql, { workerId: this.workerId, kinds: [...this.handlers.keys()], limit, leaseMs: this.defaultLeaseMs, leaseMsByKind: this.leaseMsByKind, now: this.options.clock.now() });
    // Their worker kept dying: parked as failed, with the handler's gaveUp, off the claim loop.
    for (const task of spent) void this.track(task, this.park(task));
    return claimed;
  }

  private async park(task: SpentTask): Promise<void> {
    const log = this.options.log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts });
    await this.fail(task, new AppError(task.lastError, { code: "task_worker_died", retryable: false }), log);
  }

  /** `handedOver` is called when the handler gives its effects to `finish`: its worker is free. */
  private async execute(task: ClaimedTask, handedOver: () => void = () => undefined): Promise<void> {
    // Made on first use: a pino child per task was a visible share of the runner's CPU.
    let child: Logger | undefined;
    const logFor = () => (child ??= this.options.log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts }));
    const handler = this.handlers.get(task.kind);
    if (!handler) return this.fail(task, new AppError(`No handler for task kind "${task.kind}"`, { code: "unknown_task_kind" }), logFor());
    const payload = handler.payload.safeParse(task.payload);
    if (!payload.success) return this.fail(task, new AppError(`Task payload is invalid: ${payload.error.message}`, { code: "invalid_task_payload" }), logFor());

    let finished = false;
    const context: TaskContext = {
      task,
      now: this.options.clock.now(),
      get log() {
        return logFor();
      },
      db: this.options.db,
      finish: async (effects?: Effects) => {
        const committed = this.batcher.complete(task, effects);
        handedOver();
        await committed;
        finished = true;
      },
    };
    try {
      await handler.run(payload.data, context);
      if (!finished) await context.finish();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logFor().warn("task lease ran out before it finished; its effects were rolled back and another worker has it");
        return;
      }
      await this.fail(task, error, logFor());
    }
  }

  private async fail(task: ClaimedTask, error: unknown, log: Logger): Promise<void> {
    const permanent = error instanceof AppError && !error.retryable;
    const retryAfterMs = error instanceof AppError ? error.retryAfterMs : null;
    const message = errorMessage(error);
    const outcome = await this.batcher.fail(task, { error: message.slice(0, 2000), retryAfterMs, permanent }, this.gaveUp(task, message, log)).catch((dbError: unknown) => {
      log.error({ reason: errorMessage(dbError) }, "could not record a task failure; its lease will expire and it will run again");
      return "lost" as const;
    });
    this.options.metrics?.taskFailed(task.kind, outcome);
    if (outcome === "failed") log.error({ err: error, reason: message }, "task failed for good; parked with its error");
    else log.warn({ reason: message, outcome }, "task attempt failed");
  }

  /** The handler's gaveUp hook as effects of the parking transaction, if it has one and the payload parses. */
  private gaveUp(task: ClaimedTask, lastError: string, log: Logger): Effects | undefined {
    const handler = this.handlers.get(task.kind);
    const payload = handler?.payload.safeParse(task.payload);
    if (!handler?.gaveUp || !payload?.success) return undefined;
    const hook = handler.gaveUp.bind(handler);
    return (tx) => hook(payload.data, { task, now: this.options.clock.now(), log, lastError, tx });
  }
}
