import { performance } from "node:perf_hooks";
import type { ClaimedTask } from "./task-row.js";

/**
 * Tasks claimed ahead of free workers, oldest first, and how many to claim ahead.
 *
 * Claiming costs about the same for one task as for fifty, so under a backlog of short
 * tasks the runner claims about `claimAheadMs` of work beyond its free workers and starts
 * the extra tasks as workers free up (graphile-worker's localQueue does the same). Tasks
 * that take seconds are never claimed ahead. The heartbeat keeps their leases meanwhile;
 * they are given back on stop.
 */
export class LocalQueue {
  private readonly ready: Array<{ task: ClaimedTask; claimedAt: number }> = [];
  /** moving average of how long a task runs, to size claims ahead; unknown until one ran */
  private averageRunMs: number | undefined;

  constructor(private readonly options: { concurrency: number; claimAheadMs: number; maxClaimAhead: number }) {}

  get size(): number {
    return this.ready.length;
  }

  get tasks(): ClaimedTask[] {
    return this.ready.map((entry) => entry.task);
  }

  push(tasks: readonly ClaimedTask[]): void {
    const claimedAt = performance.now();
    for (const task of tasks) this.ready.push({ task, claimedAt });
  }

  shift(): ClaimedTask | undefined {
    return this.ready.shift()?.task;
  }

  drain(): ClaimedTask[] {
    return this.ready.splice(0).map((entry) => entry.task);
  }

  ran(ms: number): void {
    this.averageRunMs = this.averageRunMs === undefined ? ms : this.averageRunMs * 0.9 + ms * 0.1;
  }

  /** How many tasks to claim beyond the free workers: about `claimAheadMs` of work. */
  ahead(): number {
    if (this.averageRunMs === undefined || this.options.claimAheadMs <= 0) return 0;
    const ahead = Math.floor((this.options.concurrency * this.options.claimAheadMs) / Math.max(this.averageRunMs, 0.1));
    return Math.min(this.options.maxClaimAhead, ahead);
  }

  /**
   * How many to claim now, given `busy` workers: keep `concurrency` plus about
   * `claimAheadMs` of work on hand, and refill in large claims (once half the tasks claimed
   * ahead have started), not one task at a time. 0: do not claim.
   */
  wanted(busy: number): number {
    const ahead = this.ahead();
    const wanted = this.options.concurrency + ahead - busy - this.ready.length;
    const refill = this.ready.length === 0 || this.ready.length <= ahead / 2;
    return wanted > 0 && refill ? wanted : 0;
  }
}
