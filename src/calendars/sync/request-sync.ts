import { enqueueTasks } from "../../tasks/index.js";
import type { Tx } from "../../tasks/index.js";

export const SYNC_TASK = "sync_connection";

/** Queues a sync of one connection, due `dueAt` (now by default); `reason` (a notification id, a time bucket) dedupes repeats. */
export function requestSync(tx: Tx, connectionId: string, reason: string, now: Date, dueAt: Date = now): Promise<number> {
  return enqueueTasks(tx, [{ kind: SYNC_TASK, payload: { connectionId }, idempotencyKey: `sync:${connectionId}:${reason}`, dueAt, priority: 10 }]);
}
