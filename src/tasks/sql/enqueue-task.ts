import { Prisma } from "../../db/client.js";

type Tx = Prisma.TransactionClient;

export const TASKS_CHANNEL = "makegood_tasks";

export interface NewTask {
  kind: string;
  payload: Prisma.InputJsonValue;
  /** the same key never queues a second task: re-running whatever asked is harmless */
  idempotencyKey: string;
  dueAt: Date;
  priority?: number;
  maxAttempts?: number;
  userId?: string | null;
  caseId?: string | null;
}

/**
 * Queues tasks (inside the caller's transaction, so a domain change and the work it
 * triggers commit together) and wakes the workers. NOTIFY is transactional: it is delivered
 * on commit, and never for a rolled-back enqueue. Returns how many were new.
 */
export async function enqueueTasks(tx: Tx, tasks: readonly NewTask[]): Promise<number> {
  if (tasks.length === 0) return 0;
  const { count } = await tx.task.createMany({
    data: tasks.map((task) => ({
      kind: task.kind,
      payload: task.payload,
      idempotencyKey: task.idempotencyKey,
      dueAt: task.dueAt,
      priority: task.priority ?? 0,
      maxAttempts: task.maxAttempts ?? 8,
      userId: task.userId ?? null,
      caseId: task.caseId ?? null,
    })),
    // A duplicate idempotency key is the "already queued" case, not an error.
    skipDuplicates: true,
  });
  if (count > 0) {
    const earliest = tasks.reduce((min, task) => (task.dueAt < min ? task.dueAt : min), tasks[0]!.dueAt);
    await tx.$executeRaw`select pg_notify(${TASKS_CHANNEL}, ${earliest.toISOString()})`;
  }
  return count;
}
