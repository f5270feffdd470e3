import type { Database, Prisma } from "../../platform/index.js";
import { answerMeetingAlerts, closeAlerts } from "../../alerts/index.js";
import type { Clock } from "../../platform/index.js";
import { ConflictError, NotFoundError } from "../../platform/index.js";
import { storeDraft } from "./draft-store.js";
import { composeLateNotice, type LateNoticePreview } from "./late-notice.js";
import { draftView, type DraftView } from "./draft-view.js";
import { queueDraftSend } from "./send-draft.js";
import { closeCaseIfFinished } from "../close-case.js";
import { refuseMaterialsBeforeProposal } from "../materials-approval.js";

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
      if (draft.kind === "materials" && draft.caseId) await refuseMaterialsBeforeProposal(tx, draft.caseId, now);
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

  /** What "Tell them I'm N minutes late" would send, before anything is stored or sent. */
  async previewRunningLate(userId: string, meetingId: string, minutes: number): Promise<LateNoticePreview> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => (await composeLateNotice(tx, userId, meetingId, minutes, now)).preview);
  }

  /**
   * "Tell them I'm N minutes late" (PRODUCT §3): drafts a short notice with an ample arrival time (or, past the end, other times) to
   * the other attendees. Sent at once when the user turned on auto-send for late notices,
   * otherwise it waits for approval. Asking again while the notice is still pending updates
   * its wording to the new estimate.
   */
  async runningLate(userId: string, meetingId: string, minutes: number, previewed?: { arriveBy?: string | undefined; fits?: boolean | undefined }): Promise<DraftView> {
    const now = this.deps.clock.now();
    return this.deps.db.$transaction(async (tx) => {
      const { to, text, plan, preview } = await composeLateNotice(tx, userId, meetingId, minutes, now);
      // The user approved what the form showed: if the clock moved the promise since, they see it first.
      const moved = (previewed?.arriveBy !== undefined && Date.parse(previewed.arriveBy) !== plan.arriveBy.getTime()) || (previewed?.fits !== undefined && previewed.fits !== plan.fits);
      if (moved) {
        throw new ConflictError(
          plan.fits ? `Time moved on: they would now read "I'll be there by ${preview.arriveByText}". Check it and press the button again.` : "Time moved on: you would now arrive after the meeting ends. Check the message and press the button again.",
          "late_notice_moved",
        );
      }
      const meeting = await tx.meeting.findFirstOrThrow({ where: { id: meetingId, userId }, select: { user: { select: { settings: { select: { autoSendLateNotice: true } } } } } });
      const key = `late_notice:${meetingId}`;
      const stored = await storeDraft(tx, { userId, caseId: null, meetingId, kind: "late_notice", to, subject: text.subject, body: text.body, idempotencyKey: key }, now);
      let draft = await tx.draft.findUniqueOrThrow({ where: { id: stored.id } });
      if (!stored.created) {
        if (draft.status !== "pending") throw new ConflictError(`A late notice for this meeting is already ${draft.status}.`, "late_notice_exists");
        draft = await tx.draft.update({ where: { id: draft.id }, data: { subject: text.subject, body: text.body } });
      }
      if (meeting.user.settings?.autoSendLateNotice) {
        draft = await tx.draft.update({ where: { id: draft.id }, data: { status: "approved", approvedAt: now } });
        await queueDraftSend(tx, draft, now, "auto");
      }
      await answerMeetingAlerts(tx, { userId, meetingId, kinds: ["late", "nudge"] }, lateAnswer(draft.status === "pending", preview), now);
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

}

/** What an answered late card says: the promise itself, in the words they will read. */
function lateAnswer(pending: boolean, preview: LateNoticePreview): string {
  if (!preview.fits) return pending ? "Drafted “I can't make it in time” with other times: approve it in Drafts" : "Told them you can't make it in time, with other times";
  return pending ? `Late notice drafted (“there by ${preview.arriveByText}”): approve it in Drafts` : `Told them you'll be there by ${preview.arriveByText}`;
}
