import { z } from "zod";
import { claimedTaskRow, type ClaimedTask } from "../task-row.js";
import type pg from "pg";

/**
 * Claims up to `limit` tasks in one statement: running tasks whose lease ran out (their
 * worker died or stalled) first, then queued tasks whose time has come, by priority and due
 * time. SKIP LOCKED lets any number of workers claim at once without waiting on or taking
 * each other's rows; the claim is recorded on the row (locked_by, locked_until), never held
 * by a transaction. A worker claims only the kinds it has handlers for, so during a rolling
 * deploy an older instance never takes (and fails) a kind that only the newer code knows.
 * Each kind has its own lease (`leaseMsByKind`), which the runner's heartbeat extends while
 * the task runs: a lease only runs out when its worker is gone.
 *
 * Both halves check `attempts < max_attempts`. A task whose lease ran out on its last
 * attempt is not run again (a task that kills its worker every time would otherwise be
 * taken, and take its worker down, forever): it is taken *spent*, with its attempts
 * unchanged and a last error saying what happened, and the runner parks it as `failed`
 * through the commit path, in one transaction with its handler's `gaveUp` effects. Taking
 * it here, on the rows this claim has locked, means no other claim can take it meanwhile;
 * if the runner dies before parking it, the next claim takes it spent again. How many times
 * in a row the lease ran out is kept in last_error (no column for it): each claim that takes
 * over an expired lease writes the running count there, and the count starts again after an
 * ordinary failure (failTask overwrites last_error).
 *
 * The two halves are separate selects, each walking its own index in the order it wants
 * (tasks_claim_queued_idx: status, priority desc, due_at; tasks_claim_expired_idx: status,
 * locked_until), so a claim reads about `limit` index entries however many tasks are due or
 * done. One select with `(queued and due) or (running and expired)` could follow neither
 * index's order: it sorted every due task on each claim (5–8 ms with 20,000 queued,
 * bench/tasks.ts). The runner claims on a connection where the planner may not sort, so
 * this holds on a table without statistics too (see ClaimConnection).
 */
const CLAIM_SQL = `
  with leases as (
    select * from unnest($2::text[], $5::int[]) as l(kind, lease_ms)
  ), lapsed as (
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
     where status = 'queued' and due_at <= $1 and kind = any($2::text[]) and attempts < max_attempts
     order by priority desc, due_at
     limit greatest(0, $3 - (select count(*) from lapsed where not spent))
       for update skip locked
  ), claimed as (
    update tasks t
       set status = 'running', locked_by = $4, locked_until = $1 + l.lease_ms * interval '1 millisecond',
           attempts = case when c.spent then t.attempts else t.attempts + 1 end, updated_at = $1,
           last_error = case when c.stops is null then t.last_error
                             else 'the worker stopped while running it (lease expired) ' || c.stops || case when c.stops = 1 then ' time' else ' times' end
                                  || case when c.spent then '; giving up' else '' end end
      from (select id, stops, spent from lapsed union all select id, null::int, false from due) c, leases l
     where t.id = c.id and l.kind = t.kind
    returning t.id::text as id, t.kind, t.payload, t.attempts, t.max_attempts, t.due_at, t.idempotency_key, t.priority, t.last_error, c.spent as spent
  )
  select * from claimed`;

const claimRow = claimedTaskRow.extend({ priority: z.number().int(), last_error: z.string().nullable(), spent: z.boolean() });

/** A task whose lease ran out on its last attempt: held by this worker, to be parked as `failed`. */
export type SpentTask = ClaimedTask & { lastError: string };

/** On node-postgres, as a named statement: planned once per connection, not on every claim. */
export async function claimTasks(
  sql: pg.Pool | pg.PoolClient,
  options: { workerId: string; kinds: readonly string[]; limit: number; leaseMs: number; leaseMsByKind?: Readonly<Record<string, number>>; now: Date },
): Promise<{ claimed: ClaimedTask[]; spent: SpentTask[] }> {
  const leases = options.kinds.map((kind) => Math.round(options.leaseMsByKind?.[kind] ?? options.leaseMs));
  const { rows } = await sql.query<Record<string, unknown>>({ name: "makegood_claim_tasks", text: CLAIM_SQL, values: [options.now, options.kinds, options.limit, options.workerId, leases] });
  // Parsed once: the claim is on every task's path, and a second parse was a visible share of its CPU.
  const parsed = rows.map((raw) => {
    const row = claimRow.parse(raw);
    const task: ClaimedTask = { id: row.id, kind: row.kind, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts, dueAt: row.due_at, idempotencyKey: row.idempotency_key };
    return { row, task };
  });
  // UPDATE … RETURNING keeps no order: start the claimed tasks by priority, then due time.
  const claimed = parsed.filter(({ row }) => !row.spent);
  claimed.sort((a, b) => b.row.priority - a.row.priority || a.task.dueAt.getTime() - b.task.dueAt.getTime());
  return {
    claimed: claimed.map(({ task }) => task),
    spent: parsed.filter(({ row }) => row.spent).map(({ row, task }) => ({ ...task, lastError: row.last_error ?? "" })),
  };
}
