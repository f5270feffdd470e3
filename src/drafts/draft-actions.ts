import type { Database } from "../db/client.js";
import { answerMeetingAlerts, closeAlerts } from "../alerts/alert-lifecycle.js";
import type { Clock } from "../platform/clock.js";
import { AppError, ConflictError, NotFoundError } from "../platform/errors.js";
import { lateNotice } from "../recovery/domain/index.js";
import { storeDraft } from "./draft-store.js";
import { draftView, type DraftView } from "./draft-view.js";
import { queueDraftSend } from "./send-draft.js";
import { closeCaseIfFinished } from "../recovery/close-case.js";

export interface DraftEdit {
  subject?: string | undefined;
  body?: string | undefined;
}

/**
 * The drafts inbox: list, approve (with an optional edit), reject, resend. Every call is
 * scoped to the signed-in user: another user's draft is "not found", never "forbidden", so
 * ids cannot be probed. Approving is the only way into the send path (PRODUCT §4), apart
 * from late notices when the user turned on auto-send.
 */
export class DraftService {
  constructor(private readonly deps: { db: Database; clock: Clock }) {}

  async list(userId: string, options: { status?: DraftView["status"] | undefined; caseId?: string | undefined } = {}): Promise<DraftView[]> {
    const rows = await this.deps.db.draft.findMany({
      where: { userId, ...(options.status ? { status: options.status } : {}), ...(options.caseId ? { caseId: options.caseId } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 500,
    });
    return rows.map(draftView);
  }

  async get(userId: string, draftId: string): Promise<DraftView> {
    const row = await this.deps.db.draft.findFirst({ where: { id: draftId, userId } });
    if (!row) throw new NotFoundError("Draft", draftId);
    return draftView(row);
  }

  /**
   * Approves a pending draft (saving the user's edit first) and queues its send in the same
   * transaction. Approving an approved or sent draft again changes nothing and answers it as
   * it is (a double click); an edit at that point is refused, since the text may be on its way.
   */
  async approve(userId: string, draftId: string, edit: DraftEdit): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      // Serialise decisions on one draft (two tabs, a double click).
      await tx.$queryRaw`select id from drafts where id = ${draftId}::uuid and user_id = ${userId}::uuid for update`;
      const draft = await tx.draft.findFirst({ where: { id: draftId, userId } });
      if (!draft) throw new NotFoundError("Draft", draftId);
      const subject = edit.subject ?? draft.subject;
      const body = edit.body ?? draft.body;
      const edited = subject !== draft.subject || body !== draft.body;
      if (draft.status === "approved" || draft.status === "sent") {
        if (edited) throw new ConflictError("This draft is already approved; it can no longer be edited.", "draft_already_approved");
        return draftView(draft);
      }
      if (draft.status !== "pending") throw new ConflictError(`This draft is ${draft.status}; only a pending draft can be approved${draft.status === "failed" ? " (use resend)" : ""}.`, "draft_not_pending");
      const updated = await tx.draft.update({
        where: { id: draftId },
        data: { status: "approved", approvedAt: now, subject, body, ...(edited ? { editedAt: now } : {}) },
      });
      await queueDraftSend(tx, updated, now);
      return draftView(updated);
    });
  }

  async reject(userId: string, draftId: string): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      await tx.$queryRaw`select id from drafts where id = ${draftId}::uuid and user_id = ${userId}::uuid for update`;
      const draft = await tx.draft.findFirst({ where: { id: draftId, userId } });
      if (!draft) throw new NotFoundError("Draft", draftId);
      if (draft.status === "rejected") return draftView(draft);
      if (draft.status !== "pending") throw new ConflictError(`This draft is ${draft.status}; only a pending draft can be rejected.`, "draft_not_pending");
      const rejected = await tx.draft.update({ where: { id: draftId }, data: { status: "rejected", rejectedAt: now } });
      // A decided draft can finish its step, and so the case.
      await closeCaseIfFinished(tx, rejected.caseId, now);
      return draftView(rejected);
    });
  }

  /**
   * The user's explicit decision to try a failed draft again, typically after "outcome
   * unknown" once they checked their Sent folder. It keeps the Message-ID, so if the first
   * attempt did arrive after all, mail clients can still recognise the copy.
   */
  async resend(userId: string, draftId: string): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      await tx.$queryRaw`select id from drafts where id = ${draftId}::uuid and user_id = ${userId}::uuid for update`;
      const draft = await tx.draft.findFirst({ where: { id: draftId, userId } });
      if (!draft) throw new NotFoundError("Draft", draftId);
      if (draft.status !== "failed") throw new ConflictError(`This draft is ${draft.status}; only a failed draft can be resent.`, "draft_not_failed");
      const updated = await tx.draft.update({ where: { id: draftId }, data: { status: "approved", approvedAt: now, sendAttemptedAt: null, lastError: null } });
      await closeAlerts(tx, { idempotencyKey: { startsWith: `send_outcome_unknown:${draftId}:` } }, "resolved", now);
      await queueDraftSend(tx, updated, now, `resend:${now.toISOString()}`);
      return draftView(updated);
    });
  }

  /**
   * "Tell them I'm N minutes late" (PRODUCT §3): drafts a short notice with an ample ETA to
   * the other attendees. Sent at once when the user turned on auto-send for late notices,
   * otherwise it waits for approval. Asking again while the notice is still pending updates
   * its wording to the new estimate.
   */
  async runningLate(userId: string, meetingId: string, minutes: number): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      const meeting = await tx.meeting.findFirst({ where: { id: meetingId, userId }, include: { attendees: true, connection: true, user: { include: { settings: true } } } });
      if (!meeting) throw new NotFoundError("Meeting", meetingId);
      if (meeting.isCancelled || meeting.deletedAt) throw new ConflictError("This meeting was cancelled.", "meeting_cancelled");
      if (meeting.end.getTime() <= now.getTime()) throw new ConflictError("This meeting is already over.", "meeting_over");
      const self = meeting.connection.accountEmail.toLowerCase();
      const attendees = meeting.attendees.filter((a) => !a.isSelf && !a.isResource && a.email.toLowerCase() !== self);
      // Graph names the organiser only in `organizer`: a 1:1 someone else organises has them nowhere else.
      const organizer = meeting.organizerEmail?.toLowerCase();
      const organizerMissing = organizer && organizer !== self && !meeting.isOrganizer && !attendees.some((a) => a.email.toLowerCase() === organizer);
      const others = organizerMissing ? [...attendees, { email: organizer, name: meeting.organizerName }] : attendees;
      if (others.length === 0) throw new AppError("This meeting has no other attendees to tell.", { code: "no_attendees", httpStatus: 409 });
      const text = lateNotice({ attendeeNames: others.map((a) => a.name), meetingTitle: meeting.title, minutesLate: minutes, userName: meeting.user.name ?? "" });
      const key = `late_notice:${meetingId}`;
      const stored = await storeDraft(tx, { userId, caseId: null, meetingId, kind: "late_notice", to: others.map((a) => a.email.toLowerCase()), subject: text.subject, body: text.body, idempotencyKey: key }, now);
      let draft = await tx.draft.findUniqueOrThrow({ where: { id: stored.id } });
      if (!stored.created) {
        if (draft.status !== "pending") throw new ConflictError(`A late notice for this meeting is already ${draft.status}.`, "late_notice_exists");
        draft = await tx.draft.update({ where: { id: draft.id }, data: { subject: text.subject, body: text.body } });
      }
      if (meeting.user.settings?.autoSendLateNotice) {
        draft = await tx.draft.update({ where: { id: draft.id }, data: { status: "approved", approvedAt: now } });
        await queueDraftSend(tx, draft, now, "auto");
      }
      return draftView(draft);
    });
  }

  /**
   * Undoes the user's Reject: the draft waits for approval again. Only a draft the user
   * rejected (not one the service withdrew, like a late notice after "I'm here"), while its
   * recovery plan is open and, for a late notice, while the meeting is still on.
   */
  async restore(userId: string, draftId: string): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      await tx.$queryRaw`select id from drafts where id = ${draftId}::uuid and user_id = ${userId}::uuid for update`;
      const draft = await tx.draft.findFirst({ where: { id: draftId, userId }, include: { case: { select: { status: true } }, meeting: { select: { end: true } } } });
      if (!draft) throw new NotFoundError("Draft", draftId);
      const { case: recoveryCase, meeting, ...row } = draft;
      if (draft.status === "pending") return draftView(row);
      if (draft.status !== "rejected") throw new ConflictError(`This draft is ${draft.status}; only a rejected draft can be restored.`, "draft_not_rejected");
      if (draft.withdrawnReason) throw new ConflictError(`${draft.withdrawnReason} It can't be restored.`, "draft_withdrawn");
      if (draft.caseId && recoveryCase?.status !== "open") throw new ConflictError("This recovery plan is closed, so its draft can't be brought back.", "case_closed");
      if (draft.kind === "late_notice" && (!meeting || meeting.end.getTime() <= now.getTime())) throw new ConflictError("This meeting is over, so a late notice no longer makes sense.", "meeting_over");
      const restored = await tx.draft.update({ where: { id: draftId }, data: { status: "pending", rejectedAt: null } });
      return draftView(restored);
    });
  }

  /** "Tell them" answered the meeting's running-late questions: the cards say what was done. */
  async answerLateAlerts(userId: string, meetingId: string, minutes: number, draft: DraftView): Promise<void> {
    const answer = draft.status === "pending" ? `Late notice drafted (${minutes} min): approve it in Drafts` : `Told them you're ${minutes} min late`;
    await this.deps.db.$transaction((tx) => answerMeetingAlerts(tx, { userId, meetingId, kinds: ["late", "nudge"] }, answer, this.deps.clock.now()));
  }
}
