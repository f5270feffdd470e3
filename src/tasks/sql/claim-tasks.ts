import { z } from "zod";
import { claimedTaskRow, toClaimedTask, type ClaimedTask } from "../task-row.js";
import type pg from "pg";

/**
 * Claims up to `limit` tasks in one statement: running tasks whose lease ran out (their
 * worker died or stalled) first, then queued tasks whose time has come, by priority and due
 * time. SKIP LOCKED lets any number of workers claim at once without waiting on or taking
 * each other's rows; the claim is recorded on the row (locked_by, locked_until), never held
 * by a transaction. A worker claims only the kinds it has handlers for, so during a rolling
 * deploy an older instance never takes (and fails) a kind that only the newer code knows.
 *
 * A task whose lease ran out on its last attempt is not claimed again: a task that kills its
 * worker every time would otherwise be taken, and take its worker down, forever. The same
 * statement parks it as `failed`, as failTask parks a task that failed its last attempt, with
 * a last error saying what happened. It is done here, on the rows this claim has locked, and
 * not in a separate sweep, so no other claim can take the task between the sweep and the
 * claim. How many times in a row the lease ran out is kept in last_error (no column for it):
 * each claim that takes over an expired lease writes the running count there, and the count
 * starts again after an ordinary failure (failTask overwrites last_error).
 *
 * The two halves are separate selects, each walking its own index in the order it wants
 * (tasks_claim_queued_idx: status, priority desc, due_at; tasks_claim_expired_idx: status,
 * locked_until), so a claim reads about `limit` index entries however many tasks are due or
 * done. One select with `(queued and due) or (running and expired)` could follow neither
 * index's order: it sorted every due task on each claim (5–8 ms with 20,000 queued,
 * bench/tasks.ts). The runner claims on a connection where the planner may not sort, so
 * this holds on a table without statistics too (see TaskRunner.claimSql).
 *
 * The queued half needs no `attempts < max_attempts`: a task only goes back to the queue
 * with attempts left (failTask parks it otherwise; releaseTasks gives the attempt back).
 */
const CLAIM_SQL = `
  with lapsed as (
    select id,
           attempts >= max_attempts as spent,
           coalesce(substring(last_error from '^the worker stopped while running it \\(lease expired\\) ([0-9]+) times?'), '0')::int + 1 as stops
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
     limit greatest(0, $3 - (select count(*) from lapsed where not spent))
       for update skip locked
  ), parked as (
    update tasks t
       set status = 'failed', finished_at = $1, locked_by = null, locked_until = null, updated_at = $1,
           last_error = 'the worker stopped while running it (lease expired) ' || l.stops || case when l.stops = 1 then ' time' else ' times' end || '; giving up'
      from lapsed l
     where t.id = l.id and l.spent
    returning t.id::text as id, t.kind, t.payload, t.attempts, t.max_attempts, t.due_at, t.idempotency_key, t.priority, t.last_error, true as parked
  ), claimed as (
    update tasks t
       set status = 'running', locked_by = $4, locked_until = $5, attempts = t.attempts + 1, updated_at = $1,
           last_error = case when c.stops is null then t.last_error
                             else 'the worker stopped while running it (lease expired) ' || c.stops || case when c.stops = 1 then ' time' else ' times' end end
      from (select id, stops from lapsed where not spent union all select id, null::int from due) c
     where t.id = c.id
    returning t.id::text as id, t.kind, t.payload, t.attempts, t.max_attempts, t.due_at, t.idempotency_key, t.priority, t.last_error, false as parked
  )
  select * from claimed
  union all
  select * from parked`;

const claimRow = claimedTaskRow.extend({ priority: z.number().int(), last_error: z.string().nullable(), parked: z.boolean() });

/** A task whose lease ran out on its last attempt, parked as `failed` by the claim. */
export type ParkedTask = ClaimedTask & { lastError: string };

/** On node-postgres, as a named statement: planned once per connection, not on every claim. */
export async function claimTasks(
  sql: pg.Pool | pg.PoolClient,
  options: { workerId: string; kinds: readonly string[]; limit: number; leaseMs: number; now: Date },
): Promise<{ claimed: ClaimedTask[]; parked: ParkedTask[] }> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const { rows } = await sql.query<Record<string, unknown>>({ name: "makegood_claim_tasks", text: CLAIM_SQL, values: [options.now, options.kinds, options.limit, options.workerId, leaseUntil] });
  const parsed = rows.map((row) => ({ row: claimRow.parse(row), task: toClaimedTask(row) }));
  // UPDATE … RETURNING keeps no order: start the claimed tasks by priority, then due time.
  const claimed = parsed.filter(({ row }) => !row.parked);
  claimed.sort((a, b) => b.row.priority - a.row.priority || a.task.dueAt.getTime() - b.task.dueAt.getTime());
  return {
    claimed: claimed.map(({ task }) => task),
    parked: parsed.filter(({ row }) => row.parked).map(({ row, task }) => ({ ...task, lastError: row.last_error ?? "" })),
  };
}
