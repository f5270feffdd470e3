import type { SqlClient } from "./sql-client.js";

/**
 * Marks a claimed task done, inside the transaction that carries its effects. It only
 * succeeds while this worker still holds the lease: if the lease ran out and another
 * worker took the task, we roll back our effects instead of committing them twice.
 */
export async function completeTask(sql: SqlClient, task: { id: string; workerId: string; now: Date }): Promise<boolean> {
  return (await completeTasks(sql, { ids: [task.id], workerId: task.workerId, now: task.now })) === 1;
}

/**
 * Marks several claimed tasks done in one statement, inside the one transaction that carries
 * all their effects (see TaskRunner's group commit). Returns how many this worker still
 * held: fewer than asked means a lease ran out, and the caller must roll back.
 */
export async function completeTasks(sql: SqlClient, tasks: { ids: readonly string[]; workerId: string; now: Date }): Promise<number> {
  if (tasks.ids.length === 0) return 0;
  return (await completeHeldTasks(sql, tasks)).length;
}

/** The same, returning the ids this worker still held (and has now marked done). */
export async function completeHeldTasks(sql: SqlClient, tasks: { ids: readonly string[]; workerId: string; now: Date }): Promise<string[]> {
  if (tasks.ids.length === 0) return [];
  const { rows } = await sql.query(
    `update tasks
        set status = 'done', finished_at = $3, locked_by = null, locked_until = null, last_error = null, updated_at = $3
      where id = any($1::uuid[]) and locked_by = $2 and status = 'running'
     returning id::text as id`,
    [tasks.ids, tasks.workerId, tasks.now],
  );
  return rows.map((row) => (row as { id: string }).id);
}

/**
 * Records a failed attempt: back to the queue after an exponential delay with jitter and a
 * cap (computed in SQL from the attempt count), or parked as `failed` with its last error
 * once it has used its attempts.
 */
export async function failTask(sql: SqlClient, task: { id: string; workerId: string; now: Date; error: string; retryAfterMs?: number | null; permanent?: boolean }): Promise<"retry" | "failed" | "lost"> {
  const { rows } = await sql.query(
    `update tasks
        set status = case when $4::boolean or attempts >= max_attempts then 'failed'::"TaskStatus" else 'queued'::"TaskStatus" end,
            due_at = $3::timestamptz + coalesce(
              $5::int * interval '1 millisecond',
              least(exp(least(attempts, 12)) * interval '1 second', interval '1 hour') * (0.5 + random() / 2)
            ),
            finished_at = case when $4::boolean or attempts >= max_attempts then $3::timestamptz end,
            last_error = $6,
            locked_by = null, locked_until = null, updated_at = $3
      where id = $1::uuid and locked_by = $2 and status = 'running'
     returning status::text as status`,
    [task.id, task.workerId, task.now, task.permanent ?? false, task.retryAfterMs ?? null, task.error.slice(0, 2000)],
  );
  const status = (rows[0] as { status?: unknown } | undefined)?.status;
  return status === undefined ? "lost" : status === "failed" ? "failed" : "retry";
}

/**
 * Gives claimed tasks back untouched (graceful shutdown, or tasks claimed ahead that this
 * runner will not start): they run again at once elsewhere, and the attempt is not counted.
 */
export async function releaseTasks(sql: SqlClient, tasks: { ids: readonly string[]; workerId: string; now: Date }): Promise<void> {
  if (tasks.ids.length === 0) return;
  await sql.query(
    `update tasks
        set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, locked_until = null, updated_at = $3
      where id = any($1::uuid[]) and locked_by = $2 and status = 'running'`,
    [tasks.ids, tasks.workerId, tasks.now],
  );
}
