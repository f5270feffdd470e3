import { NotFoundError, AppError } from "../platform/errors.js";
import type { Clock } from "../platform/clock.js";
import { detectionHooks, type DetectionDependencies } from "./detect-meetings.js";
import { applyUserAction, type MeetingState, type UserAction, type UserActionRefusal } from "./domain/index.js";
import { persistDecisions } from "./persist-decisions.js";

const REFUSALS: Record<UserActionRefusal, string> = {
  not_watched: "This meeting is not being watched (no other attendees, declined, cancelled, all-day or free).",
  final_state: "This meeting is already settled.",
  not_started: "This meeting has not started yet.",
  not_ended: "This meeting has not ended yet; it can be confirmed as missed once it is over.",
  attendance_evidence_exists: "There is evidence you attended (conference records or a check-in), so it cannot be marked missed.",
};

/**
 * What the user tells us about a meeting: "I'm here", "I was there", "yes, I missed it".
 * The pure detector decides; this stores the evidence the action stands for and the
 * decision in one transaction, scoped to the user who owns the meeting.
 */
export class MeetingActions {
  constructor(private readonly deps: { detection: DetectionDependencies; clock: Clock }) {}

  async act(userId: string, meetingId: string, action: UserAction, source: string): Promise<{ state: MeetingState | null }> {
    const { db } = this.deps.detection;
    const now = this.deps.clock.now();
    return db.$transaction(async (tx) => {
      // Serialise actions on one meeting (a double click, two tabs).
      await tx.$queryRaw`select id from meetings where id = ${meetingId}::uuid and user_id = ${userId}::uuid for update`;
      const meeting = await tx.meeting.findFirst({ where: { id: meetingId, userId }, include: { evidence: true, user: { include: { settings: true } }, connection: { select: { createdAt: true } } } });
      if (!meeting) throw new NotFoundError("Meeting", meetingId);
      const result = applyUserAction(
        {
          id: meeting.id,
          start: meeting.start,
          end: meeting.end,
          state: meeting.state,
          watched: meeting.watched,
          isCancelled: meeting.isCancelled,
          selfDeclined: meeting.selfResponse === "declined",
          source: meeting.evidenceSource,
          liveSignal: meeting.liveSignal,
          watchedSince: meeting.connection.createdAt,
        },
        action,
        now,
        meeting.evidence.map((item) => ({ kind: item.kind, observedAt: item.observedAt })),
      );
      if (!result.ok) throw new AppError(REFUSALS[result.reason], { code: result.reason, httpStatus: 409 });
      if (result.recordEvidence) {
        await tx.evidence.createMany({ data: [{ meetingId, kind: result.recordEvidence, sourceKey: source, observedAt: now }], skipDuplicates: true });
      }
      const subject = { id: meeting.id, userId, title: meeting.title, location: meeting.location, start: meeting.start, end: meeting.end, timeZone: meeting.timeZone, userTimeZone: meeting.user.settings?.timeZone ?? null };
      // Read under the row lock: nothing can have moved the next check since.
      const decided = { meeting: { id: meeting.id, userId, state: meeting.state, nextCheckAt: meeting.nextCheckAt }, decision: result.decision };
      await persistDecisions(tx, [decided], now, detectionHooks(this.deps.detection, new Map([[meeting.id, subject]]), now));
      return { state: result.decision.next };
    });
  }
}
