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
      // "I'm here" before the end is a check-in (allowed a little early, like the link); after, the user's word.
      if (action.type === "mark_attended" && now.getTime() < meeting.end.getTime()) action = { type: "check_in" };
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
          liveSignalRead: meeting.liveReadAt !== null,
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

  /**
   * "I was at all of them" on a digest: every meeting it lists that is still unanswered is
   * marked attended (the user's word, as "I was there" on each); meetings answered meanwhile
   * keep their answer. The digest then asks nothing more and is withdrawn.
   */
  async answerDigestAllAttended(userId: string, alertId: string): Promise<Array<{ id: string; state: MeetingState | null }>> {
    const { db } = this.deps.detection;
    const alert = await db.alert.findFirst({ where: { id: alertId, userId, kind: "digest" }, select: { data: true } });
    if (!alert) throw new NotFoundError("Digest", alertId);
    const listed = digestMeetingIds(alert.data);
    const pending = await db.meeting.findMany({ where: { id: { in: listed }, userId, state: "suspected_missed" }, select: { id: true } });
    for (const meeting of pending) await this.act(userId, meeting.id, { type: "deny_missed" }, `digest:${alertId}`);
    await db.alert.updateMany({ where: { id: alertId, withdrawnAt: null }, data: { withdrawnAt: this.deps.clock.now(), readAt: this.deps.clock.now() } });
    const states = await db.meeting.findMany({ where: { id: { in: listed }, userId }, select: { id: true, state: true } });
    return listed.flatMap((id) => states.filter((meeting) => meeting.id === id));
  }
}

function digestMeetingIds(data: unknown): string[] {
  if (!data || typeof data !== "object" || !("meetingIds" in data) || !Array.isArray(data.meetingIds)) return [];
  return data.meetingIds.filter((id: unknown): id is string => typeof id === "string");
}
