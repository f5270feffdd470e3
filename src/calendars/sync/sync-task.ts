import { z } from "zod";
import { AppError } from "../../platform/index.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask, type Tx } from "../../tasks/index.js";
import { anotherSyncQueued } from "./coalesced-sync.js";
import { SYNC_TASK } from "./request-sync.js";
import { syncConnection, type SyncDependencies } from "./sync-connection.js";

export { requestSync, SYNC_TASK } from "./request-sync.js";

/**
 * Runs a queued sync. When another sync of the connection is running, this one is done at
 * once: taking the lease failed by telling the running one to queue another when it ends.
 */
export function syncConnectionTask(deps: SyncDependencies) {
  return defineTask({
    kind: SYNC_TASK,
    payload: z.object({ connectionId: z.uuid() }),
    async run({ connectionId }, context) {
      const outcome = await syncConnection(connectionId, deps, { queueSyncAfterBackoff: false });
      if (outcome.status === "backing_off") {
        // This round was throttled or failed: the task comes back when the backoff ends (the
        // provider's Retry-After when it gave one), so the change that asked for it is caught up
        // then rather than at the next poll.
        throw new AppError(outcome.reason, { code: "sync_backing_off", retryable: true, retryAfterMs: Math.max(0, outcome.until.getTime() - deps.clock.now().getTime()) });
      }
      // An earlier round left the connection backing off. A sync queued for its end covers this
      // one; if there is none (evidence reads set a backoff too), this one comes back then.
      if (outcome.status === "skipped" && outcome.reason === "backing_off" && !(await anotherSyncQueued(deps.db, connectionId, context.task.id))) {
        const row = await deps.db.connection.findUnique({ where: { id: connectionId }, select: { backoffUntil: true } });
        const waitMs = Math.max(0, (row?.backoffUntil?.getTime() ?? 0) - deps.clock.now().getTime());
        throw new AppError("The provider asked us to slow down; syncing when the backoff ends", { code: "sync_backing_off", retryable: true, retryAfterMs: waitMs });
      }
    },
  });
}
