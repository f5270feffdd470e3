import type { Prisma } from "../platform/index.js";
import { caseFactsInclude, stepFactsOf } from "./case-facts.js";
import { caseFinished } from "./domain/index.js";

type Tx = Prisma.TransactionClient;

/**
 * Closes the case when nothing is left in it (domain rule: caseFinished), inside the
 * transaction that just completed a step: marked done, a draft sent or rejected, the buffer
 * placed. The case row is locked first, so two steps completing at once cannot both read the
 * other as unfinished: the second waits, then sees the first. Returns whether it closed.
 */
export async function closeCaseIfFinished(tx: Tx, caseId: string | null | undefined, now: Date): Promise<boolean> {
  if (!caseId) return false;
  await tx.$queryRaw`select id from recovery_cases where id = ${caseId}::uuid for update`;
  const row = await tx.recoveryCase.findUnique({ where: { id: caseId }, include: caseFactsInclude });
  if (!row || row.status !== "open" || !caseFinished(stepFactsOf(row, now))) return false;
  await closeCase(tx, caseId, now);
  return true;
}

/**
 * Closes a case (finished, or by the user's hand): closed with its time, and the steps still
 * queued (a gift prompt not yet due, a thank-you check) cancelled so none of them runs later.
 * A step running right now finishes; the step handlers look at the case first.
 */
export async function closeCase(tx: Tx, caseId: string, now: Date): Promise<void> {
  await tx.recoveryCase.updateMany({ where: { id: caseId, status: "open" }, data: { status: "closed", closedAt: now } });
  await tx.task.updateMany({ where: { caseId, status: "queued" }, data: { status: "cancelled", finishedAt: now, updatedAt: now } });
}
