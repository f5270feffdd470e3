import type { Database, Prisma } from "../../platform/index.js";
import { enqueueTasks, type NewTask } from "../../tasks/index.js";

type Tx = Prisma.TransactionClient;

/**
 * Detection wakes at exact instants through the task table: one `detect_meeting` task with
 * the payload `{ due: true }` per instant (its key names the instant, so however many
 * meetings share it, and however many passes ask, there is one), due exactly then. The task
 * runs a pass over the meetings due by `next_check_at`, and that pass queues the wake-up for
 * the next earliest one: a chain of wake-ups, one per distinct instant, instead of a task per
 * meeting.
 */
export function wakeUpTask(at: Date): NewTask {
  return { kind: "detect_meeting", payload: { due: true }, idempotencyKey: `detect-due:${at.toISOString()}`, dueAt: at, priority: 20 };
}

/**
 * Queues the wake-up at the earliest `next_check_at` still ahead (one index probe). Called at
 * the end of every unscoped pass; a decision stored outside a pass (a user's action, a
 * calendar change) queues its own wake-up when it names an earlier instant.
 */
export async function scheduleDetectionWakeUp(db: Database, now: Date): Promise<Date | null> {
  const [row] = await db.$queryRaw<Array<{ at: Date | null }>>`
    select min(next_check_at) as at from meetings where next_check_at > ${now}::timestamptz`;
  const at = row?.at ?? null;
  if (at) await enqueueTasks(db, [wakeUpTask(at)]);
  return at;
}

/**
 * Makes a user's unsettled meetings due now, for changes detection cannot see in a meeting
 * row: the user's grace, settle or auto-confirm settings. Call it in the transaction that
 * stores the change; the next pass (the wake-up queued here) decides them again.
 */
export async function markUserMeetingsDue(tx: Tx, userId: string, now: Date): Promise<number> {
  const count = await tx.$executeRaw`
    update meetings set next_check_at = ${now}::timestamptz
     where user_id = ${userId}::uuid
       and ((state is null and watched) or state in ('upcoming', 'in_progress', 'late', 'suspected_missed'))`;
  if (count > 0) await enqueueTasks(tx, [wakeUpTask(now)]);
  return count;
}
