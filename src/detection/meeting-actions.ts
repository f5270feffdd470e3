import type { Prisma } from "../platform/index.js";
import { NotFoundError, AppError } from "../platform/index.js";
import type { Clock } from "../platform/index.js";
import { detectionHooks, type DetectionDependencies } from "./detect-meetings.js";
import { applyUserAction, type MeetingState, type UserAction, type UserActionRefusal } from "./domain/index.js";
import { persistDecisions } from "./persist-decisions.js";
import { answerAlert, answerMeetingAlerts, closeAlerts, MEETING_QUESTIONS, reopenMeetingAlerts } from "../alerts/index.js";
import { undoVerdict } from "../alerts/index.js";

/** What an answered card says the user did (issue 12: answered cards collapse to this). */
const ANSWERS: Record<UserAction["type"], string> = {
  check_in: "Checked in",
  mark_attended: "Marked attended",
  deny_missed: "You were there",
  confirm_missed: "Confirmed missed: your recovery plan is under Recovery",
};

/** Why a pending late notice went unsent once the user arrived. */
const LATE_NOTICE_WITHDRAWN = "Late notice withdrawn: you're here.";

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
      // The user's answer closes the questions first, so the decision's withdrawals leave them answered.
      const arrived = result.decision.next === "attended" || action.type === "check_in";
      const withdrawnNotice = arrived ? await withdrawPendingLateNotice(tx, userId, meetingId, now) : false;
      await answerMeetingAlerts(tx, { userId, meetingId, kinds: MEETING_QUESTIONS }, ANSWERS[action.type] + (withdrawnNotice ? `. ${LATE_NOTICE_WITHDRAWN}` : ""), now);
      await persistDecisions(tx, [decided], now, detectionHooks(this.deps.detection, new Map([[meeting.id, subject]]), now));
      return { state: result.decision.next };
    });
  }

  /**
   * Takes back "Yes, I missed it" (while nothing was sent) or "I was there" (while that was only
   * the user's word): the meeting asks "Are you sure?" again. A confirmed miss's recovery case
   * goes, its unsent drafts stay in the inbox as withdrawn, and its opening task and transition
   * are forgotten, so confirming again opens a fresh case.
   */
  async undo(userId: string, meetingId: string): Promise<{ state: MeetingState | null }> {
    const { db } = this.deps.detection;
    const now = this.deps.clock.now();
    return db.$transaction(async (tx) => {
      await tx.$queryRaw`select id from meetings where id = ${meetingId}::uuid and user_id = ${userId}::uuid for update`;
      const meeting = await tx.meeting.findFirst({
        where: { id: meetingId, userId },
        select: { id: true, state: true, evidence: { select: { kind: true } }, recovery: { select: { id: true, drafts: { select: { status: true, sendAttemptedAt: true } } } } },
      });
      if (!meeting) throw new NotFoundError("Meeting", meetingId);
      const verdict = undoVerdict({ state: meeting.state, evidence: meeting.evidence.map((e) => e.kind), drafts: meeting.recovery?.drafts ?? [] });
      if (!verdict.allowed) throw new AppError(verdict.reason, { code: "undo_not_possible", httpStatus: 409 });
      const from = meeting.state;
      if (from === "missed") {
        if (meeting.recovery) {
          const caseId = meeting.recovery.id;
          await tx.draft.updateMany({ where: { caseId, status: "pending" }, data: { status: "rejected", rejectedAt: now, withdrawnReason: "Withdrawn: you undid “Yes, I missed it”." } });
          // Kept drafts leave the case (it goes); their keys name the old case, so a new one drafts afresh.
          await tx.draft.updateMany({ where: { caseId }, data: { caseId: null } });
          await tx.recoveryCase.delete({ where: { id: caseId } });
          await closeAlerts(tx, { userId, idempotencyKey: { startsWith: `case:${caseId}:` } }, "withdrawn", now);
        }
        await tx.task.deleteMany({ where: { idempotencyKey: `open_recovery_case:${meetingId}` } });
      } else {
        await tx.evidence.deleteMany({ where: { meetingId, kind: "marked_attended" } });
      }
      await tx.stateTransition.deleteMany({ where: { meetingId, fromState: "suspected_missed", toState: from ?? "attended" } });
      await tx.stateTransition.createMany({ data: [{ meetingId, fromState: from ?? "attended", toState: "suspected_missed", reason: "user_undid_answer", at: now }], skipDuplicates: true });
      await tx.meeting.update({ where: { id: meetingId }, data: { state: "suspected_missed", stateChangedAt: now, updatedAt: now } });
      await reopenMeetingAlerts(tx, { userId, meetingId, kinds: ["suspected_missed"] });
      return { state: "suspected_missed" as const };
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
    const states = await db.meeting.findMany({ where: { id: { in: listed }, userId }, select: { id: true, state: true } });
    const answer = states.some((meeting) => meeting.state === "missed") ? "You were at the others" : "You were at all of them";
    await db.$transaction((tx) => answerAlert(tx, { userId, alertId }, answer, this.deps.clock.now()));
    return listed.flatMap((id) => states.filter((meeting) => meeting.id === id));
  }
}

/** A late notice still waiting for approval is no longer true once the user is there: it is never sent. */
async function withdrawPendingLateNotice(tx: Prisma.TransactionClient, userId: string, meetingId: string, now: Date): Promise<boolean> {
  const withdrawn = await tx.draft.updateMany({
    where: { userId, meetingId, kind: "late_notice", status: "pending" },
    data: { status: "rejected", rejectedAt: now, withdrawnReason: LATE_NOTICE_WITHDRAWN },
  });
  return withdrawn.count > 0;
}

function digestMeetingIds(data: unknown): string[] {
  if (!data || typeof data !== "object" || !("meetingIds" in data) || !Array.isArray(data.meetingIds)) return [];
  return data.meetingIds.filter((id: unknown): id is string => typeof id === "string");
}
