import { z } from "zod";
import { raiseAlert } from "../../alerts/index.js";
import { storeDraft } from "../drafts/draft-store.js";
import { enqueueTasks } from "../../tasks/index.js";
import { defineTask } from "../../tasks/index.js";
import { decide, externalEmails, firstName, handwrittenNotePrompt, thankYouNote } from "../domain/index.js";
import { loadCaseState, toNewTask } from "../case-store.js";
import type { RecoveryDependencies } from "../recovery-deps.js";

export const THANK_YOU = "thank_you";

/**
 * Thank-you (after the rescheduled meeting ends and was attended; seed 000 step 10): a
 * drafted thank-you email to approve and a prompt to write a handwritten note. When it is
 * drafted, or checked again later, is domain `decide`'s (event "thank_you_due").
 */
export function thankYouTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: THANK_YOU,
    payload: z.object({ caseId: z.uuid(), meetingId: z.uuid(), end: z.iso.datetime() }),
    async run({ caseId, meetingId, end }, context) {
      const now = context.now;
      const state = await loadCaseState(deps.db, caseId);
      const decision = decide(state, { type: "thank_you_due", meetingId, end: new Date(end) }, now);
      const recheck = decision.commands.find((command) => command.type === "enqueue");
      if (state && recheck) await context.finish((tx) => enqueueTasks(tx, [toNewTask(state, recheck.task)]).then(() => undefined));
      if (!decision.commands.some((command) => command.type === "draft_thank_you")) return;
      const recoveryCase = await deps.db.recoveryCase.findUniqueOrThrow({ where: { id: caseId }, include: { user: true } });
      const meeting = await deps.db.meeting.findUniqueOrThrow({ where: { id: meetingId }, include: { attendees: true, connection: true } });
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
