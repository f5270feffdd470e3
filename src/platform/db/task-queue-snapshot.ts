import type { Database } from "./client.js";
import type { TaskQueueSnapshot } from "../metrics.js";

/**
 * The task table per kind for /metrics, in one grouped query over the live rows (done and
 * cancelled tasks are skipped by the (status, due_at, priority) index).
 */
export async function readTaskQueue(db: Database, now: Date): Promise<TaskQueueSnapshot[]> {
  const rows = await db.$queryRaw<Array<{ kind: string; due: bigint; scheduled: bigint; running: bigint; failed: bigint; oldest_due: Date | null }>>`
    select kind,
           count(*) filter (where status = 'queued' and due_at <= ${now}) as due,
           count(*) filter (where status = 'queued' and due_at > ${now}) as scheduled,
           count(*) filter (where status = 'running') as running,
           count(*) filter (where status = 'failed') as failed,
           min(due_at) filter (where status = 'queued' and due_at <= ${now}) as oldest_due
      from tasks
     where status in ('queued', 'running', 'failed')
     group by kind`;
  return rows.map((row) => ({
    kind: row.kind,
    due: Number(row.due),
    scheduled: Number(row.scheduled),
    running: Number(row.running),
    failed: Number(row.failed),
    oldestDueSeconds: row.oldest_due ? Math.max(0, (now.getTime() - row.oldest_due.getTime()) / 1000) : 0,
  }));
}
