import type { Prisma } from "../platform/index.js";
import { caseFactsInclude, stepFactsOf } from "./case-facts.js";
import { caseFinished } from "./domain/index.js";
import { applyCaseEvent } from "./apply-case-event.js";

type Tx = Prisma.TransactionClient;

/**
 * A draft of the case was sent or rejected, inside the transaction that recorded it: the
 * case closes when nothing is left in it (domain `decide`, event "draft_settled"). The case
 * row is locked first, so two steps completing at once cannot both read the other as
 * unfinished: the second waits, then sees the first. Returns whether it closed.
 */
export async function closeCaseIfFinished(tx: Tx, caseId: string | null | undefined, now: Date): Promise<boolean> {
  if (!caseId) return false;
  const applied = await applyCaseEvent(tx, caseId, { type: "draft_settled" }, now);
  return applied !== null && applied.before.status === "open" && applied.decision.next?.status === "closed";
}

/**
 * The user closes the case (done with it, or the client never rescheduled): closed with its
 * time, and the steps still queued (a gift prompt not yet due, a thank-you check) cancelled
 * so none of them runs later.
 */
export async function closeCase(tx: Tx, caseId: string, now: Date): Promise<void> {
  await applyCaseEvent(tx, caseId, { type: "user_closed" }, now);
}
