import { decisionFrom, walk, type Decision, type Transition, type TransitionReason } from "./decision.js";
import { isWatchedNow, type DetectableMeeting } from "./detectable-meeting.js";
import { strongestAttendance, type EvidenceItem } from "./evidence.js";
import { isFinalState, type MeetingState } from "./states.js";

export type UserAction =
  | { readonly type: "confirm_missed" }
  /** "I was there" */
  | { readonly type: "deny_missed" }
  /** the one-click "I'm here" link */
  | { readonly type: "check_in" }
  | { readonly type: "mark_attended" };

export type UserActionRefusal =
  | "not_watched"
  | "final_state"
  /** attending a meeting that has not begun (an early check-in is fine) */
  | "not_started"
  /** one cannot have missed a meeting that is still running: joining is still possible */
  | "not_ended"
  /** never a "missed" while we hold evidence the user was there */
  | "attendance_evidence_exists";

export type UserActionResult =
  | {
      readonly ok: true;
      readonly decision: Decision;
      /** the evidence the edge stores for this action, so later decisions see it too */
      readonly recordEvidence: "checked_in" | "marked_attended" | null;
    }
  | { readonly ok: false; readonly reason: UserActionRefusal };

const EFFECT = {
  confirm_missed: { target: "missed", reason: "user_confirmed_missed", records: null },
  deny_missed: { target: "attended", reason: "user_denied_missed", records: "marked_attended" },
  check_in: { target: "attended", reason: "user_checked_in", records: "checked_in" },
  mark_attended: { target: "attended", reason: "user_marked_attended", records: "marked_attended" },
} as const satisfies Record<
  UserAction["type"],
  { target: MeetingState; reason: TransitionReason; records: "checked_in" | "marked_attended" | null }
>;

function refuse(reason: UserActionRefusal): UserActionResult {
  return { ok: false, reason };
}

/** The arrows an action takes, starting by catching up with a start the detector has not seen yet. */
function actionArrow(state: MeetingState, action: UserAction, started: boolean): Transition | null {
  const { target, reason } = EFFECT[action.type];
  if (state === "upcoming") return started ? { from: state, to: "in_progress", reason: "meeting_started" } : null;
  if (isFinalState(state)) return null;
  // A confirmation answers "are you sure?": pass through it rather than invent a shortcut arrow.
  if (target === "missed" && state !== "suspected_missed") return { from: state, to: "suspected_missed", reason };
  return { from: state, to: target, reason };
}

/**
 * A user's answer or click, applied to the stored state. Repeating an action that already
 * took effect (a second confirm, a second "I'm here") succeeds and changes nothing: the
 * recovery case task is named only on entering `missed`, and its key is per meeting anyway.
 *
 * Confirming is allowed from `suspected_missed`, and also from `in_progress`/`late` once the
 * meeting has ended: the user's own word replaces the settle window, which only exists to wait
 * for lagging conference data. It still passes through `suspected_missed`.
 */
export function applyUserAction(
  meeting: DetectableMeeting,
  action: UserAction,
  now: Date,
  evidence: readonly EvidenceItem[],
): UserActionResult {
  const effect = EFFECT[action.type];
  const start = meeting.state ?? (isWatchedNow(meeting) ? "upcoming" : null);
  if (start === null) return refuse("not_watched");
  if (start === effect.target) {
    return { ok: true, decision: decisionFrom({ meeting, path: [], start, now, recheckAt: null }), recordEvidence: effect.records };
  }
  if (isFinalState(start)) return refuse("final_state");
  if (!isWatchedNow(meeting)) return refuse("not_watched");
  const started = now.getTime() >= meeting.start.getTime();
  const ended = now.getTime() >= meeting.end.getTime();
  if (effect.target === "missed") {
    if (strongestAttendance(evidence) !== null) return refuse("attendance_evidence_exists");
    if (start !== "suspected_missed" && !ended) return refuse("not_ended");
  } else if (!started) {
    if (action.type !== "check_in") return refuse("not_started");
    // An early check-in is kept as evidence; the meeting becomes attended at its start.
    const decision = decisionFrom({ meeting, path: [], start, now, recheckAt: meeting.start });
    return { ok: true, decision, recordEvidence: effect.records };
  }
  const path = walk(start, (state) => actionArrow(state, action, started));
  return { ok: true, decision: decisionFrom({ meeting, path, start, now, recheckAt: null }), recordEvidence: effect.records };
}
