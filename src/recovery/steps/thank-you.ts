import { z } from "zod";
import { raiseAlert } from "../../alerts/index.js";
import { storeDraft } from "../drafts/draft-store.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask } from "../../tasks/index.js";
import { externalEmails, firstName, handwrittenNotePrompt, thankYouNote } from "../domain/index.js";
import { stepTask } from "../open-case-task.js";
import type { RecoveryDependencies } from "../recovery-deps.js";

export const THANK_YOU = "thank_you";

/** First look a little after the end: conference attendance can lag. */
const FIRST_CHECK_AFTER_END_MS = 5 * 60_000;
const RECHECK_MS = 10 * 60_000;
/** Attendance still undecided this long after the end: stop asking (the user can still write). */
const GIVE_UP_AFTER_END_MS = 24 * 60 * 60_000;
const UNDECIDED = new Set(["upcoming", "in_progress", "late", "suspected_missed"]);

/** The thank-you step for the rescheduled meeting's current end (a moved meeting gets a new one). */
export function thankYouStep(recoveryCase: { id: string; userId: string }, meeting: { id: string; end: Date }, dueAt?: Date) {
  const end = meeting.end.toISOString();
  const at = dueAt ?? new Date(meeting.end.getTime() + FIRST_CHECK_AFTER_END_MS);
  return stepTask(THANK_YOU, recoveryCase, at, {
    keySuffix: `${meeting.id}:${end}${dueAt ? `:check:${dueAt.toISOString()}` : ""}`,
    payload: { meetingId: meeting.id, end },
  });
}

/**
 * Thank-you (after the rescheduled meeting ends and was attended; seed 000 step 10): a
 * drafted thank-you email to approve and a prompt to write a handwritten note. The task is
 * due just after the meeting's end; a meeting that moved makes it stale (a newer one is
 * queued for the new end); attendance not decided yet is checked again every ten minutes
 * for a day; a meeting missed again gets no thank-you.
 */
export function thankYouTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: THANK_YOU,
    payload: z.object({ caseId: z.uuid(), meetingId: z.uuid(), end: z.iso.datetime() }),
    async run({ caseId, meetingId, end }, context) {
      const now = context.now;
      const recoveryCase = await deps.db.recoveryCase.findUnique({ where: { id: caseId }, include: { user: true } });
      if (!recoveryCase || recoveryCase.status !== "open" || recoveryCase.rescheduledMeetingId !== meetingId) return;
      const meeting = await deps.db.meeting.findUnique({ where: { id: meetingId }, include: { attendees: true, connection: true } });
      if (!meeting || meeting.isCancelled || meeting.deletedAt || meeting.end.toISOString() !== end) return;
      if (meeting.state !== "attended") {
                // null: detection has not looked at it yet (it only looks a day ahead).
        const stillOpen = (meeting.state === null || UNDECIDED.has(meeting.state)) && now.getTime() < meeting.end.getTime() + GIVE_UP_AFTER_END_MS;
        if (stillOpen) await context.finish((tx) => enqueueTasks(tx, [thankYouStep(recoveryCase, meeting, new Date(now.getTime() + RECHECK_MS))]).then(() => undefined));
        return;
      }
      const emails = externalEmails(meeting.attendees, [meeting.connection.accountEmail]);
      const people = meeting.attendees.filter((a) => emails.includes(a.email.toLowerCase()));
      const text = thankYouNote({ attendeeNames: people.map((p) => p.name), meetingTitle: meeting.title, userName: recoveryCase.user.name ?? "" });
      const note = handwrittenNotePrompt({ attendeeName: people[0]?.name, meetingTitle: meeting.title });
      await context.finish(async (tx) => {
        const draft = await storeDraft(
          tx,
          { userId: recoveryCase.userId, caseId, meetingId, kind: "thank_you", to: emails, subject: text.subject, body: text.body, idempotencyKey: `case:${caseId}:thank_you` },
          now,
        );
        const who = firstName(people[0]?.name) ?? "them";
        await raiseAlert(
          tx,
          {
            userId: recoveryCase.userId,
            kind: "reminder",
            idempotencyKey: `case:${caseId}:thank_you`,
            meetingId,
            title: `Thank ${who} for meeting again`,
            body: `A thank-you email is drafted for you to approve. ${note}`,
            data: { caseId, draftId: draft.id, links: [{ label: "Review the thank-you", url: `${deps.publicUrl}/?draft=${draft.id}` }] },
          },
          now,
        );
      });
    },
  });
}
