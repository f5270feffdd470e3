import type { Database } from "../platform/index.js";
import { loadCaseState } from "./case-store.js";
import { decide, type CaseCommand, type OpeningStep } from "./domain/index.js";

/**
 * An opening step's task came due (domain `decide`, event "step_due"): whether the step is
 * to do its work (`expected` is the command that asks for it). Not when the case is closed
 * or gone, the proposal is drafted already, or the gift was sent before its time.
 */
export async function stepDecided(db: Database, caseId: string, step: OpeningStep, now: Date, expected: CaseCommand["type"]): Promise<boolean> {
  const decision = decide(await loadCaseState(db, caseId), { type: "step_due", step }, now);
  return decision.commands.some((command) => command.type === expected);
}
