import { z } from "zod";
import type { Database } from "../platform/index.js";
import { enqueueTasks } from "../tasks/index.js";
import { defineTask } from "../tasks/index.js";
import { externalEmails, pickRescheduledMeeting, planBuffer } from "./domain/index.js";
import { stepTask } from "./open-case-task.js";
import type { RecoveryDependencies, Tx } from "./recovery-deps.js";
import { BUFFER_BLOCK, raiseBufferConflicts, SYNC_BUFFER } from "./steps/buffer-block.js";
import { thankYouStep } from "./steps/thank-you.js";

export const MATCH_RESCHEDULE = "match_reschedule";

/**
 * Called after a user's meetings were re-decided following a sync (the detect_user task):
 * queues one matching pass when the user has an open case. The key carries the time, like
 * detect_user's, so each changed calendar gets its pass and a replayed one is a no-op.
 */
export async function queueRescheduleMatching(db: Database, userId: string, now: Date): Promise<void> {
  const open = await db.recoveryCase.count({ where: { userId, status: "open" } });
  if (open === 0) return;
  await db.$transaction((tx) =>
    enqueueTasks(tx, [{ kind: MATCH_RESCHEDULE, payload: { userId }, idempotencyKey: `match-reschedule:${userId}:${now.toISOString()}`, dueAt: now, priority: 15, userId }]),
  );
}

/**
 * Links the rescheduled meeting to a case (found by matching, or chosen by hand) unless one
 * is linked already, and queues the steps it triggers: the buffer now, the thank-you after
 * it ends. Returns whether it linked.
 */
export async function linkRescheduledMeeting(tx: Tx, recoveryCase: { id: string; userId: string }, meeting: { id: string; end: Date }, now: Date): Promise<boolean> {
  const { count } = await tx.recoveryCase.updateMany({ where: { id: recoveryCase.id, rescheduledMeetingId: null }, data: { rescheduledMeetingId: meeting.id } });
  if (count === 0) return false;
  await enqueueTasks(tx, [
    stepTask(BUFFER_BLOCK, recoveryCase, now, { keySuffix: meeting.id, payload: { meetingId: meeting.id } }),
    thankYouStep(recoveryCase, meeting),
  ]);
  return true;
}

/**
 * One pass over a user's open cases after their calendar changed:
 * - no rescheduled meeting yet: recognise it (domain `pickRescheduledMeeting`) and link it;
 * - linked: when it moved or was cancelled, queue a buffer placement (the buffer follows it,
 *   or goes); when something new was booked inside a placed buffer, warn; when its end moved,
 *   queue the thank-you for the new end.
 * It only reads and queues; calendar writes happen in the buffer tasks.
 */
export function matchRescheduleTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: MATCH_RESCHEDULE,
    payload: z.object({ userId: z.uuid() }),
    async run({ userId }, context) {
      const now = context.now;
      const cases = await deps.db.recoveryCase.findMany({
        where: { userId, status: "open" },
        include: { user: { include: { settings: true } }, meeting: { include: { attendees: true, connection: true } }, rescheduled: true },
      });
      for (const recoveryCase of cases) {
        const linked = recoveryCase.rescheduled;
        if (!linked) {
          const externals = externalEmails(recoveryCase.meeting.attendees, [recoveryCase.meeting.connection.accountEmail]);
          if (externals.length === 0) continue;
          const candidates = await deps.db.meeting.findMany({
            where: { userId, id: { not: recoveryCase.meetingId }, firstSeenAt: { gte: recoveryCase.openedAt }, start: { gte: recoveryCase.openedAt }, isCancelled: false, deletedAt: null, isBuffer: false, attendees: { some: { email: { in: externals } } } },
            include: { attendees: true },
          });
          const picked = pickRescheduledMeeting({
            missed: { id: recoveryCase.meetingId, externalEmails: externals },
            openedAt: recoveryCase.openedAt,
            candidates: candidates.map((m) => ({ id: m.id, start: m.start, end: m.end, firstSeenAt: m.firstSeenAt, cancelled: m.isCancelled, deleted: m.deletedAt !== null, free: m.isFree, isBuffer: m.isBuffer, attendeeEmails: m.attendees.map((a) => a.email) })),
          });
          const meeting = picked && candidates.find((m) => m.id === picked.id);
          if (!meeting) continue;
          const linkedNow = await deps.db.$transaction((tx) => linkRescheduledMeeting(tx, recoveryCase, meeting, now));
          if (linkedNow) context.log.info({ caseId: recoveryCase.id, meetingId: meeting.id }, "rescheduled meeting recognised");
          continue;
        }
        const gone = linked.isCancelled || linked.deletedAt !== null;
        const placed = recoveryCase.bufferEventId && recoveryCase.bufferStart && recoveryCase.bufferEnd ? { start: recoveryCase.bufferStart, end: recoveryCase.bufferEnd } : null;
        const plan = planBuffer({ meeting: { start: linked.start, cancelled: linked.isCancelled, deleted: linked.deletedAt !== null }, placed, minutes: recoveryCase.user.settings?.bufferMinutes ?? 40, now });
        await deps.db.$transaction(async (tx) => {
          const tasks = [];
          // Before the first placement ran there is nothing to follow: the buffer_block step places it.
          const firstPlacementPending = !placed && plan.action === "create";
          if ((plan.action !== "none" && !firstPlacementPending) || gone) {
            const key = `${linked.id}:${linked.start.toISOString()}:${gone ? "gone" : "active"}:${placed ? placed.start.toISOString() : "none"}`;
            tasks.push({ kind: SYNC_BUFFER, payload: { caseId: recoveryCase.id }, idempotencyKey: `buffer:${recoveryCase.id}:${key}`, dueAt: now, priority: 30, userId, caseId: recoveryCase.id });
          } else if (placed) {
            await raiseBufferConflicts(tx, { id: recoveryCase.id, userId, timeZone: recoveryCase.user.settings?.timeZone ?? linked.timeZone }, linked, placed, now);
          }
          if (!gone) tasks.push(thankYouStep(recoveryCase, linked));
          await enqueueTasks(tx, tasks);
        });
      }
    },
  });
}
