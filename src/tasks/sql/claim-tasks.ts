import type { Database } from "../../db/client.js";
import { toClaimedTask, type ClaimedTask } from "../task-row.js";

/**
 * Claims up to `limit` due tasks in one statement: queued tasks whose time has come, and
 * running tasks whose lease ran out (their worker died or stalled). SKIP LOCKED lets any
 * number of workers claim at once without waiting on or taking each other's rows; the
 * claim is recorded on the row (locked_by, locked_until), never held by a transaction.
 * A worker claims only the kinds it has handlers for, so during a rolling deploy an older
 * instance never takes (and fails) a kind that only the newer code knows.
 */
export async function claimTasks(db: Database, options: { workerId: string; kinds: readonly string[]; limit: number; leaseMs: number; now: Date }): Promise<ClaimedTask[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const rows = await db.$queryRaw<unknown[]>`
    with due as (
      select id
        from tasks
       where ((status = 'queued' and due_at <= ${options.now})
          or (status = 'running' and locked_until < ${options.now}))
         and kind = any(${options.kinds as string[]}::text[])
       order by priority desc, due_at
       limit ${options.limit}
       for update skip locked
    )
    update tasks t
       set status = 'running',
           locked_by = ${options.workerId},
           locked_until = ${leaseUntil},
           attempts = t.attempts + 1,
           updated_at = ${options.now}
      from due
     where t.id = due.id
    returning t.id::text as id, t.kind, t.payload, t.attempts, t.max_attempts, t.due_at, t.idempotency_key`;
  return rows.map(toClaimedTask);
}
