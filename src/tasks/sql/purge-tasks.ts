import type { SqlClient } from "./sql-client.js";

/** How long a finished task stays in the table (and its idempotency key keeps a repeat out). */
export const FINISHED_TASK_RETENTION_MS = 7 * 24 * 60 * 60_000;

/**
 * Deletes finished tasks (done or cancelled) that finished before `before`, at most `limit`
 * per call, so the table holds a bounded history instead of every task ever run. Kept: tasks
 * of a recovery case (GET /api/cases shows each step's task; they go when the case goes) and
 * failed ones (parked, visible, retried by hand). graphile-worker deletes a job the moment it
 * succeeds; pg-boss v10 keeps completed jobs, archives them after 12 h and deletes them after
 * 7 days: ours keeps a week, like pg-boss, because the idempotency key of a finished task is
 * what keeps a late duplicate enqueue from running the work again.
 */
export async function purgeFinishedTasks(sql: SqlClient, options: { before: Date; limit?: number }): Promise<number> {
  const { rows } = await sql.query(
    `delete from tasks
      where id in (
        select id from tasks
         where status in ('done', 'cancelled') and case_id is null and coalesce(finished_at, updated_at) < $1
         limit $2)
     returning id`,
    [options.before, options.limit ?? 5_000],
  );
  return rows.length;
}
