import { Prisma } from "../../db/client.js";

type Tx = Prisma.TransactionClient;

/**
 * Marks a claimed task done, inside the transaction that carries its effects. It only
 * succeeds while this worker still holds the lease: if the lease ran out and another
 * worker took the task, we roll back our effects instead of committing them twice.
 */
export async function completeTask(tx: Tx, task: { id: string; workerId: string; now: Date }): Promise<boolean> {
  const updated = await tx.$executeRaw`
    update tasks
       set status = 'done', finished_at = ${task.now}, locked_by = null, locked_until = null, last_error = null, updated_at = ${task.now}
     where id = ${task.id}::uuid and locked_by = ${task.workerId} and status = 'running'`;
  return updated === 1;
}

/**
 * Marks several claimed tasks done in one statement, inside the one transaction that carries
 * all their effects (see TaskRunner's group commit). Returns how many this worker still
 * held: fewer than asked means a lease ran out, and the caller must roll back.
 */
export async function completeTasks(tx: Tx, tasks: { ids: readonly string[]; workerId: string; now: Date }): Promise<number> {
  if (tasks.ids.length === 0) return 0;
  return tx.$executeRaw`
    update tasks
       set status = 'done', finished_at = ${tasks.now}, locked_by = null, locked_until = null, last_error = null, updated_at = ${tasks.now}
     where id = any(${tasks.ids as string[]}::uuid[]) and locked_by = ${tasks.workerId} and status = 'running'`;
}

/**
 * Records a failed attempt: back to the queue after an exponential delay with jitter and a
 * cap (computed in SQL from the attempt count), or parked as `failed` with its last error
 * once it has used its attempts.
 */
export async function failTask(tx: Tx, task: { id: string; workerId: string; now: Date; error: string; retryAfterMs?: number | null; permanent?: boolean }): Promise<"retry" | "failed" | "lost"> {
  const rows = await tx.$queryRaw<Array<{ status: string }>>`
    update tasks
       set status = case when ${task.permanent ?? false} or attempts >= max_attempts then 'failed'::"TaskStatus" else 'queued'::"TaskStatus" end,
           due_at = ${task.now}::timestamptz + coalesce(
             ${task.retryAfterMs ?? null}::int * interval '1 millisecond',
             least(exp(least(attempts, 12)) * interval '1 second', interval '1 hour') * (0.5 + random() / 2)
           ),
           finished_at = case when ${task.permanent ?? false} or attempts >= max_attempts then ${task.now}::timestamptz end,
           last_error = ${task.error.slice(0, 2000)},
           locked_by = null, locked_until = null, updated_at = ${task.now}
     where id = ${task.id}::uuid and locked_by = ${task.workerId} and status = 'running'
    returning status::text`;
  const status = rows[0]?.status;
  return status === undefined ? "lost" : status === "failed" ? "failed" : "retry";
}

/**
 * Gives claimed tasks back untouched (graceful shutdown, or tasks claimed ahead that this
 * runner will not start): they run again at once elsewhere, and the attempt is not counted.
 */
export async function releaseTasks(tx: Tx, tasks: { ids: readonly string[]; workerId: string; now: Date }): Promise<void> {
  if (tasks.ids.length === 0) return;
  await tx.$executeRaw`
    update tasks
       set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null, locked_until = null, updated_at = ${tasks.now}
     where id = any(${tasks.ids as string[]}::uuid[]) and locked_by = ${tasks.workerId} and status = 'running'`;
}
