import { refusalError } from "./apply-case-event.js";
import { loadCaseState } from "./case-store.js";
import { decide } from "./domain/index.js";
import type { Tx } from "./recovery-deps.js";

/**
 * The materials follow the proposal (domain `decide`, event "materials_approval_asked"):
 * approving the cover note while the proposal has not gone out would let the apology and
 * the materials cross (or the materials arrive first). Throws the refusal.
 */
export async function refuseMaterialsBeforeProposal(tx: Tx, caseId: string, now: Date): Promise<void> {
  const state = await loadCaseState(tx, caseId);
  if (!state) return;
  const decision = decide(state, { type: "materials_approval_asked" }, now);
  if (decision.refused) throw refusalError(decision.refused);
}
