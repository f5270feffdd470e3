import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Prisma } from "../platform/index.js";
import { defineTask } from "../tasks/index.js";
import { enqueueTasks, type NewTask } from "../tasks/index.js";
import { runCaseCommands } from "./apply-case-event.js";
import { loadCaseState } from "./case-store.js";
import { decide } from "./domain/index.js";
import type { RecoveryDependencies, Tx } from "./recovery-deps.js";

export const OPEN_RECOVERY_CASE = "open_recovery_case";
export { STEP_PRIORITY } from "./case-store.js";

/**
 * Opens the recovery case of a confirmed miss (domain `decide`, event "miss_confirmed"): one
 * case per meeting (the unique meeting id), and its opening steps as task rows, in one
 * transaction. Running it twice, or confirming twice, opens one case with one set of steps.
 */
export async function openCase(tx: Tx, meeting: { id: string; userId: string }, giftDelayMinutes: number, now: Date): Promise<string> {
  const existing = await tx.recoveryCase.findUnique({ where: { meetingId: meeting.id }, select: { id: true } });
  const before = existing ? await loadCaseState(tx, existing.id) : null;
  const decision = decide(before, { type: "miss_confirmed", caseId: randomUUID(), meetingId: meeting.id, userId: meeting.userId, giftDelayMinutes }, now);
  const next = decision.next!;
  if (before !== null) return before.id;
  const { count } = await tx.recoveryCase.createMany({ data: [{ id: next.id, userId: next.userId, meetingId: next.meetingId, openedAt: next.openedAt }], skipDuplicates: true });
  // Opened meanwhile by a concurrent confirmation: that one queued the steps.
  if (count === 0) return (await tx.recoveryCase.findUniqueOrThrow({ where: { meetingId: meeting.id }, select: { id: true } })).id;
  await runCaseCommands(tx, next, decision.commands, now);
  return next.id;
}

export function openRecoveryCaseTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: OPEN_RECOVERY_CASE,
    payload: z.object({ meetingId: z.uuid() }),
    async run({ meetingId }, context) {
      const meeting = await deps.db.meeting.findUnique({ where: { id: meetingId }, select: { id: true, userId: true, state: true, user: { select: { settings: true } } } });
      // "I was there" after all (or the meeting is gone): the miss is no longer confirmed, nothing to recover.
      if (!meeting || meeting.state !== "missed") {
        context.log.info({ meetingId, state: meeting?.state ?? null }, "no recovery case: the meeting is not a confirmed miss");
        return;
      }
      const giftDelay = meeting.user.settings?.giftDelayMinutes ?? 180;
      await context.finish(async (tx) => {
        const caseId = await openCase(tx, meeting, giftDelay, context.now);
        context.log.info({ meetingId, caseId }, "recovery case open");
      });
    },
  });
}
