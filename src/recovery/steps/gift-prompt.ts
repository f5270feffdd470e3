import { z } from "zod";
import { raiseAlert } from "../../alerts/index.js";
import { defineTask } from "../../tasks/index.js";
import { giftPrompt } from "../domain/index.js";
import { stepDecided } from "../step-due.js";
import { loadCase, otherAttendees, type LoadedCase, type RecoveryDependencies } from "../recovery-deps.js";

export const GIFT_PROMPT = "gift_prompt";

/** What the user noted the first attendee likes (their contact note), for the prompt. */
export async function likesOf(deps: Pick<RecoveryDependencies, "db">, recoveryCase: LoadedCase): Promise<{ email: string | null; likes: string | null }> {
  const [first] = otherAttendees(recoveryCase.meeting);
  if (!first) return { email: null, likes: null };
  const note = await deps.db.contactNote.findUnique({ where: { userId_email: { userId: recoveryCase.userId, email: first.email } }, select: { likes: true } });
  return { email: first.email, likes: note?.likes ?? null };
}

/**
 * Gift prompt (after the configured delay, default 3 hours; seed 000 steps 4 and 8): a
 * nudge in the alerts feed to send something small, personal when the user noted what the
 * client likes (PUT /api/cases/:id/notes).
 */
export function giftPromptTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: GIFT_PROMPT,
    payload: z.object({ caseId: z.uuid() }),
    async run({ caseId }, context) {
      if (!(await stepDecided(deps.db, caseId, "gift_prompt", context.now, "prompt_gift"))) return;
      const recoveryCase = await loadCase(deps.db, caseId);
      if (!recoveryCase) return;
      const [first] = otherAttendees(recoveryCase.meeting);
      const { likes } = await likesOf(deps, recoveryCase);
      const prompt = giftPrompt({ attendeeName: first?.name, ...(likes ? { likes } : {}) });
      await context.finish(async (tx) => {
        await raiseAlert(
          tx,
          {
            userId: recoveryCase.userId,
            kind: "reminder",
            idempotencyKey: `case:${caseId}:gift_prompt`,
            meetingId: recoveryCase.meetingId,
            title: prompt.title,
            body: `${prompt.body}\nIdeas: ${prompt.ideas.join(", ")}.`,
            data: { caseId, links: [{ label: "Note what they like", url: `${deps.publicUrl}/?case=${caseId}&action=likes` }] },
          },
          context.now,
        );
      });
    },
  });
}
