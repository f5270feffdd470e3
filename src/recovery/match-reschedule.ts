import { z } from "zod";
import type { Database } from "../platform/index.js";
import { enqueueTasks } from "../tasks/index.js";
import { defineTask } from "../tasks/index.js";
import { applyCaseEvent } from "./apply-case-event.js";
import { externalEmails, type CandidateMeeting } from "./domain/index.js";
import type { RecoveryDependencies, Tx } from "./recovery-deps.js";

export const MATCH_RESCHEDULE = "match_reschedule";

/**
 * Called after a user's meetings were re-decided following a sync (the detect_user task):
 * queues one matching pass when the user has an open case. The key carries the time, like
 * detect_user's, so each changed calendar gets its pass and a replayed one is a no-op.
 */
export async function queueRescheduleMatching(db: Database, userId: string, now: Date, commit: (effects: (tx: Tx) => Promise<void>) => Promise<void> = (effects) => db.$transaction(effects)): Promise<void> {
  const open = await db.recoveryCase.count({ where: { userId, status: "open" } });
  if (open === 0) return;
  await commit(async (tx) => {
    await enqueueTasks(tx, [{ kind: MATCH_RESCHEDULE, payload: { userId }, idempotencyKey: `match-reschedule:${userId}:${now.toISOString()}`, dueAt: now, priority: 15, userId }]);
  });
}

/**
 * One pass over a user's open cases after their calendar changed (domain `decide`, event
 * "calendar_synced"): the shell reads the meetings that may be the rescheduled one, `decide`
 * recognises and links it, or follows the linked one (buffer placement queued when it moved
 * or was cancelled, a warning when something was booked inside the buffer, the thank-you for
 * its current end). It only reads and queues; calendar writes happen in the buffer tasks.
 */
export function matchRescheduleTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: MATCH_RESCHEDULE,
    payload: z.object({ userId: z.uuid() }),
    async run({ userId }, context) {
      const now = context.now;
      const cases = await deps.db.recoveryCase.findMany({
        where: { userId, status: "open" },
        include: { user: { include: { settings: true } }, meeting: { include: { attendees: true, connection: true } } },
      });
      // Every case's writes commit with the task (one transaction), in the order decided.
      const effects: Array<(tx: Tx) => Promise<void>> = [];
      for (const recoveryCase of cases) {
        const externals = externalEmails(recoveryCase.meeting.attendees, [recoveryCase.meeting.connection.accountEmail]);
        let candidates: CandidateMeeting[] = [];
        if (!recoveryCase.rescheduledMeetingId) {
          if (externals.length === 0) continue;
          const meetings = await deps.db.meeting.findMany({
            where: { userId, id: { not: recoveryCase.meetingId }, firstSeenAt: { gte: recoveryCase.openedAt }, start: { gte: recoveryCase.openedAt }, isCancelled: false, deletedAt: null, isBuffer: false, attendees: { some: { email: { in: externals } } } },
            include: { attendees: true },
          });
          candidates = meetings.map(candidateOf);
        }
        const event = { type: "calendar_synced", externalEmails: externals, candidates, bufferMinutes: recoveryCase.user.settings?.bufferMinutes ?? 40 } as const;
        effects.push(async (tx) => {
          const applied = await applyCaseEvent(tx, recoveryCase.id, event, now);
          const linked = applied?.decision.next?.rescheduled;
          if (applied && !applied.before.rescheduled && linked) context.log.info({ caseId: recoveryCase.id, meetingId: linked.id }, "rescheduled meeting recognised");
        });
      }
      await context.finish(async (tx) => {
        for (const effect of effects) await effect(tx);
      });
    },
  });
}

/** A meeting as the rules for recognising the rescheduled one read it. */
export function candidateOf(meeting: { id: string; start: Date; end: Date; firstSeenAt: Date; isCancelled: boolean; deletedAt: Date | null; isFree: boolean; isBuffer: boolean; state: string | null; attendees?: ReadonlyArray<{ email: string }> }): CandidateMeeting {
  return {
    id: meeting.id,
    start: meeting.start,
    end: meeting.end,
    firstSeenAt: meeting.firstSeenAt,
    cancelled: meeting.isCancelled,
    deleted: meeting.deletedAt !== null,
    free: meeting.isFree,
    isBuffer: meeting.isBuffer,
    attendeeEmails: (meeting.attendees ?? []).map((a) => a.email),
    attendance: meeting.state,
  };
}
