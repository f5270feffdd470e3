import type { Clock } from "../platform/index.js";
import { errorMessage } from "../platform/index.js";
import type { Logger } from "../platform/index.js";
import { extendLeases } from "./sql/extend-leases.js";
import type { SqlClient } from "./sql/sql-client.js";
import type { ClaimedTask } from "./task-row.js";

/**
 * Extends the leases of the tasks this runner holds (running or claimed ahead), every
 * `everyMs`, each by its kind's lease. A lease so only runs out when its worker is gone,
 * and can then be short: a crashed worker's task runs again within a lease plus a poll.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly options: {
      sql: () => SqlClient;
      workerId: string;
      clock: Clock;
      log: Logger;
      everyMs: number;
      held: () => readonly ClaimedTask[];
      leaseMs: (kind: string) => number;
      /** tasks another worker has taken over meanwhile: their commit will fail, the log says why */
      lost?: (ids: readonly string[]) => void;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void (this.beating ??= this.beat().finally(() => (this.beating = undefined))), this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  async beat(): Promise<void> {
    const held = this.options.held();
    if (held.length === 0) return;
    try {
      const kept = new Set(
        await extendLeases(this.options.sql(), {
          ids: held.map((task) => task.id),
          leasesMs: held.map((task) => this.options.leaseMs(task.kind)),
          workerId: this.options.workerId,
          now: this.options.clock.now(),
        }),
      );
      // A task that finished meanwhile is no longer running: not lost.
      const stillHeld = new Set(this.options.held().map((task) => task.id));
      const lost = held.filter((task) => !kept.has(task.id) && stillHeld.has(task.id)).map((task) => task.id);
      if (lost.length > 0) {
        this.options.log.warn({ taskIds: lost }, "task leases were taken over while this worker held them; their commits will roll back");
        this.options.lost?.(lost);
      }
    } catch (error) {
      this.options.log.warn({ reason: errorMessage(error) }, "could not extend task leases; trying again at the next beat");
    }
  }
}
