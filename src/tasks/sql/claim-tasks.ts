import { toClaimedTask, type ClaimedTask } from "../task-row.js";
import type pg from "pg";

/**
 * Claims up to `limit` tasks in one statement: running tasks whose lease ran out (their
 * worker died or stalled) first, then queued tasks whose time has come, by priority and due
 * time. SKIP LOCKED lets any number of workers claim at once without waiting on or taking
 * each other's rows; the claim is recorded on the row (locked_by, locked_until), never held
 * by a transaction. A worker claims only the kinds it has handlers for, so during a rolling
 * deploy an older instance never takes (and fails) a kind that only the newer code knows.
 *
 * The two halves are separate selects, each walking its own index in the order it wants
 * (tasks_claim_queued_idx: status, priority desc, due_at; tasks_claim_expired_idx: status,
 * locked_until), so a claim reads about `limit` index entries however many tasks are due or
 * done. One select with `(queued and due) or (running and expired)` could follow neither
 * index's order: it sorted every due task on each claim (5–8 ms with 20,000 queued,
 * bench/tasks.ts). The runner claims on a connection where the planner may not sort, so
 * this holds on a table without statistics too (see TaskRunner.claimSql).
 */
const CLAIM_SQL = `
  with expired as (
    select id
      from tasks
     where status = 'running' and locked_until < $1 and kind = any($2::text[])
     order by locked_until
     limit $3
       for update skip locked
  ), due as (
    select id
      from tasks
     where status = 'queued' and due_at <= $1 and kind = any($2::text[])
     order by priority desc, due_at
     limit greatest(0, $3 - (select count(*) from expired))
       for update skip locked
  )
  update tasks t
     set status = 'running', locked_by = $4, locked_until = $5, attempts = t.attempts + 1, updated_at = $1
    from (select id from expired union all select id from due) claimed
   where t.id = claimed.id
  returning t.id::text as id, t.kind, t.payload, t.attempts, t.max_attempts, t.due_at, t.idempotency_key, t.priority`;

/** On node-postgres, as a named statement: planned once per connection, not on every claim. */
export async function claimTasks(sql: pg.Pool | pg.PoolClient, options: { workerId: string; kinds: readonly string[]; limit: number; leaseMs: number; now: Date }): Promise<ClaimedTask[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const { rows } = await sql.query<Record<string, unknown>>({ name: "makegood_claim_tasks", text: CLAIM_SQL, values: [options.now, options.kinds, options.limit, options.workerId, leaseUntil] });
  // UPDATE … RETURNING keeps no order: start the claimed tasks by priority, then due time.
  const claimed = rows.map((row) => ({ task: toClaimedTask(row), priority: Number(row["priority"]) }));
  claimed.sort((a, b) => b.priority - a.priority || a.task.dueAt.getTime() - b.task.dueAt.getTime());
  return claimed.map(({ task }) => task);
}
