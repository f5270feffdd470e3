import { z } from "zod";
import { AppError } from "../../platform/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask, type Tx } from "../../tasks/index.js";
import { syncConnection, type SyncDependencies } from "./sync-connection.js";

export const SYNC_TASK = "sync_connection";

/** Queues a sync of one connection; `reason` (a notification id, a time bucket) dedupes repeats. */
export function requestSync(tx: Tx, connectionId: string, reason: string, now: Date): Promise<number> {
  return enqueueTasks(tx, [{ kind: SYNC_TASK, payload: { connectionId }, idempotencyKey: `sync:${connectionId}:${reason}`, dueAt: now, priority: 10 }]);
}

/** Runs a queued sync; a sync already running elsewhere makes this one retry shortly, never drop. */
export function syncConnectionTask(deps: SyncDependencies) {
  return defineTask({
    kind: SYNC_TASK,
    payload: z.object({ connectionId: z.uuid() }),
    async run({ connectionId }) {
      const outcome = await syncConnection(connectionId, deps);
      if (outcome.status === "skipped" && outcome.reason === "busy") {
        throw new AppError("Another sync of this connection is running; trying again after it", { code: "sync_busy", retryable: true, retryAfterMs: 2_000 });
      }
      if (outcome.status === "backing_off") {
        // The connection records the backoff; this task comes back when it ends, so the
        // change that asked for this sync is caught up rather than left to the next poll.
        throw new AppError(outcome.reason, { code: "sync_backing_off", retryable: true, retryAfterMs: Math.max(0, outcome.until.getTime() - deps.clock.now().getTime()) });
      }
    },
  });
}
