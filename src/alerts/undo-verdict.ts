import type { MeetingState } from "../platform/index.js";

/** Whether the user's answer to "Are you sure?" can still be taken back, and if not, why (in words). */
export type UndoVerdict = { allowed: true } | { allowed: false; reason: string };

export interface UndoFacts {
  state: MeetingState | null;
  /** the kinds of evidence held for the meeting */
  evidence: readonly string[];
  /** the recovery case's drafts, when a case is open */
  drafts: ReadonlyArray<{ status: string; sendAttemptedAt: Date | null }>;
}

/** Evidence of the user being there that is not only their word ("others joined" says nothing about them). */
const SEEN_ATTENDING = new Set(["conference_joined", "presence_in_call", "checked_in"]);

/**
 * "Yes, I missed it" can be undone while nothing has left: no draft approved, attempted or sent
 * (a call or a gift the user made is theirs to know; we only guard what we sent). "I was there"
 * can be undone while the user's word is the only evidence: what we saw ourselves stays.
 */
export function undoVerdict(facts: UndoFacts): UndoVerdict {
  if (facts.state === "missed") {
    const gone = facts.drafts.some((draft) => draft.status === "sent" || draft.status === "approved" || draft.status === "failed" || draft.sendAttemptedAt !== null);
    return gone
      ? { allowed: false, reason: "Can't undo: an email about this meeting has already been sent (or is on its way)." }
      : { allowed: true };
  }
  if (facts.state === "attended") {
    const seen = facts.evidence.some((kind) => SEEN_ATTENDING.has(kind));
    return seen ? { allowed: false, reason: "Can't undo: we saw you there (conference, presence or a check-in)." } : { allowed: true };
  }
  return { allowed: false, reason: "There is no answer to undo: this meeting is not marked missed or attended." };
}
