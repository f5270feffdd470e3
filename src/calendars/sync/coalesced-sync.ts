import type { Tx } from "../../tasks/index.js";
import { requestSync, SYNC_TASK } from "./request-sync.js";

/**
 * A queued sync due within this long already covers a push that arrives now: it has not read the
 * calendar yet, so it will see whatever the push announces. One due later (a connection backing
 * off) does not, and the push queues its own.
 */
const COVERING_WINDOW_MS = 30_000;

/**
 * Queues a sync of the connection for a push, unless one that has not started yet is already
 * queued: N pushes while a sync is pending or running lead to at most one more sync (a running
 * one may have read the calendar before the change, hence the one more). Pushes for one
 * connection are serialised by a transaction-level advisory lock, so two arriving together
 * cannot both see "none queued" and queue two. Returns true when a sync was queued.
 */
export async function requestCoalescedSync(tx: Tx, connectionId: string, reason: string, now: Date): Promise<boolean> {
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`makegood:push-sync:${connectionId}`}, 0))`;
  const pending = await tx.$queryRaw<Array<{ found: boolean }>>`
    select exists (
      select 1 from tasks
       where kind = ${SYNC_TASK} and status = 'queued'
         and payload->>'connectionId' = ${connectionId}
         and due_at <= ${new Date(now.getTime() + COVERING_WINDOW_MS)}
    ) as found`;
  if (pending[0]?.found) return false;
  return (await requestSync(tx, connectionId, reason, now)) > 0;
}

/**
 * True when a sync of the connection other than `taskId` is queued and not yet started. A sync
 * that found another one running can then stand down instead of queueing itself again: the
 * queued one runs after the running one and covers whatever asked for either.
 */
export async function anotherSyncQueued(db: Pick<Tx, "$queryRaw">, connectionId: string, taskId: string): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ found: boolean }>>`
    select exists (
      select 1 from tasks
       where kind = ${SYNC_TASK} and status = 'queued' and id <> ${taskId}::uuid
         and payload->>'connectionId' = ${connectionId}
    ) as found`;
  return rows[0]?.found ?? false;
}
