import { z } from "zod";
import { ProviderError } from "../../calendars/index.js";
import type { TimeRange } from "../../calendars/index.js";
import { storeDraft } from "../drafts/draft-store.js";
import { workingHoursSchema } from "../working-hours-schema.js";
import { defineTask } from "../../tasks/index.js";
import { errorMessage } from "../../platform/index.js";
import { proposeSlots, rescheduleProposal, type ProposedSlot } from "../domain/index.js";
import { stepDecided } from "../step-due.js";
import { calendarFor, loadCase, otherAttendees, userName, type LoadedCase, type RecoveryDependencies } from "../recovery-deps.js";

export const RESCHEDULE_PROPOSAL = "reschedule_proposal";

/** How far ahead free/busy is read: enough for five working days on any working week. */
const BUSY_HORIZON_DAYS = 21;
const DEFAULT_WORKING_HOURS = { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

/** Slots as stored on the case (`proposedSlots`) and shown by the API. */
export const storedSlots = z.array(z.object({ start: z.coerce.date(), end: z.coerce.date(), timeZone: z.string() }));

/**
 * The user's busy times from the provider (Google freeBusy, Graph getSchedule). When the
 * provider refuses for good (e.g. getSchedule on a personal Microsoft account), the synced
 * meetings stand in, so the proposal still avoids what we know of; throttling and outages
 * are retried instead (a proposal from stale data is worse than one a minute later).
 */
async function busyTimes(deps: RecoveryDependencies, recoveryCase: LoadedCase, range: TimeRange, log: { warn: (fields: object, message: string) => void }): Promise<TimeRange[]> {
  try {
    return await calendarFor(deps, recoveryCase.meeting.connection).busyTimes(range);
  } catch (error) {
    if (!(error instanceof ProviderError) || error.retryable) throw error;
    log.warn({ caseId: recoveryCase.id, reason: errorMessage(error) }, "free/busy unavailable; proposing from the synced meetings");
    const meetings = await deps.db.meeting.findMany({
      where: { userId: recoveryCase.userId, isCancelled: false, isFree: false, isAllDay: false, deletedAt: null, start: { lt: range.end }, end: { gt: range.start } },
      select: { start: true, end: true },
    });
    return meetings;
  }
}

export function meetingMinutes(meeting: { start: Date; end: Date }): number {
  const minutes = Math.round((meeting.end.getTime() - meeting.start.getTime()) / 60_000);
  return Math.min(240, Math.max(15, minutes));
}

/**
 * Reschedule proposal (due at once; seed 002 "the proactive approach"): 2–3 concrete slots
 * of the missed meeting's length from the user's real free/busy, inside working hours in
 * the user's zone, one per day, drafted into a short email that waits for approval.
 */
export function rescheduleProposalTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: RESCHEDULE_PROPOSAL,
    payload: z.object({ caseId: z.uuid() }),
    async run({ caseId }, context) {
      if (!(await stepDecided(deps.db, caseId, "reschedule_proposal", context.now, "draft_reschedule_proposal"))) return;
      const recoveryCase = await loadCase(deps.db, caseId);
      if (!recoveryCase) return;
      const settings = recoveryCase.user.settings;
      const timeZone = settings?.timeZone ?? "UTC";
      const workingHours = workingHoursSchema.safeParse(settings?.workingHours);
      const now = context.now;
      const busy = await busyTimes(deps, recoveryCase, { start: now, end: new Date(now.getTime() + BUSY_HORIZON_DAYS * 86_400_000) }, context.log);
      const slots: ProposedSlot[] = proposeSlots({
        busy,
        now,
        durationMinutes: meetingMinutes(recoveryCase.meeting),
        timeZone,
        workingHours: workingHours.success ? workingHours.data : DEFAULT_WORKING_HOURS,
      });
      const people = otherAttendees(recoveryCase.meeting);
      const text = rescheduleProposal({
        attendeeNames: people.map((p) => p.name),
        meetingTitle: recoveryCase.meeting.title,
        slots,
        timeZone,
        // The event's zone is the organiser's: when that is someone else, the slots are written in it too.
        theirTimeZone: recoveryCase.meeting.isOrganizer ? null : recoveryCase.meeting.timeZone,
        userName: userName(recoveryCase.user),
        missedAt: recoveryCase.meeting.start,
        now,
      });
      await context.finish(async (tx) => {
        await tx.recoveryCase.update({ where: { id: caseId }, data: { proposedSlots: slots.map((slot) => ({ start: slot.start.toISOString(), end: slot.end.toISOString(), timeZone: slot.timeZone })) } });
        await storeDraft(
          tx,
          { userId: recoveryCase.userId, caseId, meetingId: recoveryCase.meetingId, kind: "reschedule", to: people.map((p) => p.email), subject: text.subject, body: text.body, idempotencyKey: `case:${caseId}:reschedule` },
          now,
        );
      });
    },
  });
}
