import { z } from "zod";
import type { Prisma } from "../platform/index.js";
import { defineTask } from "../tasks/index.js";
import { enqueueTasks, type NewTask } from "../tasks/index.js";
import type { RecoveryDependencies, Tx } from "./recovery-deps.js";

export const OPEN_RECOVERY_CASE = "open_recovery_case";

/** The steps due when a case opens; buffer and thank-you wait for the rescheduled meeting. */
const OPENING_STEPS = ["call_reminder", "reschedule_proposal", "materials", "gift_prompt"] as const;

/** Steps run before the rest of the queue: a user who just confirmed a miss is waiting for them. */
export const STEP_PRIORITY = 30;

export function stepTask(kind: string, recoveryCase: { id: string; userId: string }, dueAt: Date, extra: { keySuffix?: string; payload?: Prisma.InputJsonObject; maxAttempts?: number } = {}): NewTask {
  return {
    kind,
    payload: { caseId: recoveryCase.id, ...extra.payload },
    idempotencyKey: `case:${recoveryCase.id}:${kind}${extra.keySuffix ? `:${extra.keySuffix}` : ""}`,
    dueAt,
    priority: STEP_PRIORITY,
    userId: recoveryCase.userId,
    caseId: recoveryCase.id,
    ...(extra.maxAttempts ? { maxAttempts: extra.maxAttempts } : {}),
  };
}

/**
 * Opens the recovery case of a confirmed miss: one case per meeting (the unique meeting id),
 * and its opening steps as task rows (one per idempotency key), in one transaction. Running it
 * twice, or confirming twice, opens one case with one set of steps.
 */
export async function openCase(tx: Tx, meeting: { id: string; userId: string }, giftDelayMinutes: number, now: Date): Promise<string> {
  await tx.recoveryCase.createMany({ data: [{ userId: meeting.userId, meetingId: meeting.id, openedAt: now }], skipDuplicates: true });
  const opened = await tx.recoveryCase.findUniqueOrThrow({ where: { meetingId: meeting.id } });
  const giftAt = new Date(opened.openedAt.getTime() + giftDelayMinutes * 60_000);
  await enqueueTasks(
    tx,
    OPENING_STEPS.map((kind) => stepTask(kind, opened, kind === "gift_prompt" ? giftAt : opened.openedAt)),
  );
  return opened.id;
}

export function openRecoveryCaseTask(deps: RecoveryDependencies) {
  return defineTask({
    kind: OPEN_RECOVERY_CASE,
    payload: z.object({ meetingId: z.uuid() }),
    async run({ meetingId }, context) {
      const meeting = await deps.db.meeting.findUnique({ where: { id: meetingId }, select: { id: true, userId: true, state: true, user: { select: { settings: true } } } });
      // "I was there" after all (or the meeting is gone): nothing to recover.
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
