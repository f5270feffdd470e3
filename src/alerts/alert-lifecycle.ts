import type { Prisma } from "../platform/index.js";
import { announceAlerts, announceReset } from "./alert-stream.js";

type Tx = Prisma.TransactionClient;

/** The alert kinds that ask the user something about one meeting. */
export const MEETING_QUESTIONS = ["late", "nudge", "suspected_missed"] as const;
export type MeetingQuestion = (typeof MEETING_QUESTIONS)[number];

export type ClosedBy = "resolved" | "withdrawn";

/**
 * An alert's life (issue 12): open → answered (by the user, with what they did) → or resolved /
 * withdrawn (by the service). Every change is announced on commit, so every open page of the
 * user shows it without a reload. All in the caller's transaction.
 */

/**
 * The user answered the questions about a meeting: they stop asking and say what was done last
 * (an answered card says it too: "Late notice drafted" becomes "Checked in" once they arrive).
 */
export async function answerMeetingAlerts(
  tx: Tx,
  where: { userId: string; meetingId: string; kinds: readonly MeetingQuestion[] },
  answer: string,
  now: Date,
): Promise<number> {
  const rows = await tx.alert.updateManyAndReturn({
    where: { userId: where.userId, meetingId: where.meetingId, kind: { in: [...where.kinds] }, status: { in: ["open", "answered"] } },
    data: { status: "answered", answer, answeredAt: now, withdrawnAt: now, readAt: now },
    select: { id: true, userId: true },
  });
  await announceAlerts(tx, rows.map((row) => ({ userId: row.userId, alertId: row.id })));
  return rows.length;
}

/** An alert the user answered directly (a digest's "I was at all of them"). */
export async function answerAlert(tx: Tx, where: { userId: string; alertId: string }, answer: string, now: Date): Promise<void> {
  const rows = await tx.alert.updateManyAndReturn({
    where: { id: where.alertId, userId: where.userId, status: "open" },
    data: { status: "answered", answer, answeredAt: now, withdrawnAt: now, readAt: now },
    select: { id: true, userId: true },
  });
  await announceAlerts(tx, rows.map((row) => ({ userId: row.userId, alertId: row.id })));
}

/** The service settled what the alerts asked (evidence came, the meeting was cancelled, the send went out). */
export async function closeAlerts(tx: Tx, where: Prisma.AlertWhereInput, closedBy: ClosedBy, now: Date): Promise<void> {
  const rows = await tx.alert.updateManyAndReturn({
    where: { ...where, status: "open" },
    data: { status: closedBy, withdrawnAt: now },
    select: { id: true, userId: true },
  });
  await announceAlerts(tx, rows.map((row) => ({ userId: row.userId, alertId: row.id })));
}

/** Undo: the user's answer is taken back and the question asks again. */
export async function reopenMeetingAlerts(tx: Tx, where: { userId: string; meetingId: string; kinds: readonly MeetingQuestion[] }): Promise<void> {
  const rows = await tx.alert.updateManyAndReturn({
    where: { userId: where.userId, meetingId: where.meetingId, kind: { in: [...where.kinds] }, status: "answered" },
    data: { status: "open", answer: null, answeredAt: null, withdrawnAt: null, readAt: null },
    select: { id: true, userId: true },
  });
  await announceAlerts(tx, rows.map((row) => ({ userId: row.userId, alertId: row.id })));
}

/** Everything the user's pages show changed at once (the sandbox started over): they reload. */
export async function announceAlertsReset(tx: Tx, userId: string): Promise<void> {
  await announceReset(tx, userId);
}
