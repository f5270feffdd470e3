import { z } from "zod";
import { storeDraft } from "../../drafts/draft-store.js";
import { defineTask } from "../../tasks/task-handler.js";
import { materialsCoverNote } from "../domain/index.js";
import { loadCase, otherAttendees, userName, type RecoveryDependencies } from "../recovery-deps.js";

export const MATERIALS = "materials";

/**
 * Materials (with the proposal; seed 000 step 6): a reminder to send what was to be
 * discussed, as a short cover-note draft the user attaches their materials to (or sends as
 * it is, once approved).
 */
export function materialsTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: MATERIALS,
    payload: z.object({ caseId: z.uuid() }),
    async run({ caseId }, context) {
      const recoveryCase = await loadCase(deps.db, caseId);
      if (!recoveryCase || recoveryCase.status !== "open") return;
      const people = otherAttendees(recoveryCase.meeting);
      const text = materialsCoverNote({ attendeeNames: people.map((p) => p.name), meetingTitle: recoveryCase.meeting.title, userName: userName(recoveryCase.user) });
      await context.finish(async (tx) => {
        await storeDraft(
          tx,
          { userId: recoveryCase.userId, caseId, meetingId: recoveryCase.meetingId, kind: "materials", to: people.map((p) => p.email), subject: text.subject, body: text.body, idempotencyKey: `case:${caseId}:materials` },
          context.now,
        );
      });
    },
  });
}
