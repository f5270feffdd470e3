import type { AttendanceEvidenceKind } from "./evidence.js";
import type { UnwatchedReason } from "./detectable-meeting.js";
import { isFinalState, isLegalTransition, type MeetingState } from "./states.js";

export type TransitionReason =
  | "meeting_started"
  | "no_evidence_after_grace"
  | "no_evidence_after_settle"
  /** a check-in-only meeting ended without a check-in: asked about in the digest, or not at all */
  | "no_check_in"
  | `evidence_${AttendanceEvidenceKind}`
  | "others_joined_auto_confirmed"
  | UnwatchedReason
  | "user_confirmed_missed"
  | "user_denied_missed"
  | "user_checked_in"
  | "user_marked_attended";

export interface Transition {
  readonly from: MeetingState;
  readonly to: MeetingState;
  readonly reason: TransitionReason;
}

export type DetectionAlertKind = "late" | "suspected_missed" | "nudge" | "heads_up";

export interface AlertCommand {
  readonly kind: DetectionAlertKind;
  /** `<kind>:<meetingId>`: the edge inserts it once, however often it is named */
  readonly idempotencyKey: string;
}

export type TaskCommand =
  | { readonly kind: "open_recovery_case"; readonly idempotencyKey: string }
  /** list the meeting in the user's digest of `day` (their local date), sent at `dueAt` */
  | { readonly kind: "send_digest"; readonly day: string; readonly dueAt: Date }
  /** read whether the user is still in the previous meeting's call (a heads-up if so) */
  | { readonly kind: "check_previous_call"; readonly previousMeetingId: string };

/** What the edge stores and does, in one transaction. */
export interface Decision {
  /** the state to store; equals the stored state when nothing changed; null only for a meeting never watched */
  readonly next: MeetingState | null;
  /** every arrow passed, in order, each legal; record each once, `at` = now */
  readonly transitions: readonly Transition[];
  readonly alerts: readonly AlertCommand[];
  /** kinds of this meeting's alerts that no longer ask anything of the user */
  readonly withdrawAlerts: readonly DetectionAlertKind[];
  readonly tasks: readonly TaskCommand[];
  /** the next instant at which the answer can change without new evidence; wake up exactly then */
  readonly recheckAt: Date | null;
}

export function alertKey(kind: DetectionAlertKind, meetingId: string): string {
  return `${kind}:${meetingId}`;
}

export function recoveryCaseKey(meetingId: string): string {
  return `open_recovery_case:${meetingId}`;
}

const ALERT_OF_STATE: Partial<Record<MeetingState, DetectionAlertKind>> = {
  late: "late",
  suspected_missed: "suspected_missed",
};

/**
 * Follows `nextArrow` from `start` until it returns null. The diagram is acyclic, so the
 * walk ends; an illegal arrow here is a programming error, never a user's doing.
 */
export function walk(start: MeetingState, nextArrow: (state: MeetingState) => Transition | null): Transition[] {
  const path: Transition[] = [];
  let state = start;
  for (let arrow = nextArrow(state); arrow !== null; arrow = nextArrow(state)) {
    if (arrow.from !== state || !isLegalTransition(arrow.from, arrow.to) || isFinalState(arrow.from)) {
      throw new Error(`illegal detection transition ${arrow.from} -> ${arrow.to} from ${state}`);
    }
    path.push(arrow);
    state = arrow.to;
  }
  return path;
}

/** What the decision may ask of the user about this meeting, beyond the states it passes. */
export interface AskPolicy {
  /** "are you sure?" for this meeting on its own (a signal exists, or the user asked for each) */
  readonly askWhenSuspected: boolean;
  /** the digest that lists it instead, when it ends up suspected without a per-meeting question */
  readonly digest: { readonly day: string; readonly dueAt: Date } | null;
  /** a nudge is due now (a few minutes before a meeting we cannot see) */
  readonly nudgeNow: boolean;
  /** a heads-up is due now: back to back at two places */
  readonly headsUpNow: boolean;
  /** the previous meeting whose call is to be read now (still in it?) */
  readonly readPreviousCall: string | null;
}

/** Nothing is asked: a user's own action, or a meeting that ended before we watched. */
export const ASK_NOTHING: AskPolicy = { askWhenSuspected: false, digest: null, nudgeNow: false, headsUpNow: false, readPreviousCall: null };

interface DecisionParts {
  readonly meeting: { readonly id: string; readonly end: Date; readonly state: MeetingState | null; readonly liveSignal: boolean };
  readonly path: readonly Transition[];
  /** the state the walk began in (the stored state, or `upcoming` on first sight) */
  readonly start: MeetingState;
  readonly now: Date;
  readonly recheckAt: Date | null;
  readonly ask?: AskPolicy;
}

/** A nudge no longer asks anything once the meeting is settled one way or the other. */
const NUDGE_ANSWERED: ReadonlySet<MeetingState> = new Set<MeetingState>(["attended", "missed", "excused", "suspected_missed"]);

/**
 * Alerts and tasks are named on entering a state, for the state the decision lands in only:
 * states passed through on the way (a meeting first seen after it ended) asked nothing of the
 * user in time to matter. A "running late?" after the end helps no one, so entering `late`
 * after the end raises nothing; "are you sure?" follows at end + settle.
 * Leaving a state withdraws its alert: only the stored state can have raised one.
 */
export function decisionFrom({ meeting, path, start, now, recheckAt, ask = ASK_NOTHING }: DecisionParts): Decision {
  const next = path.at(-1)?.to ?? start;
  const nudge: AlertCommand[] = [
    ...(ask.nudgeNow ? [{ kind: "nudge" as const, idempotencyKey: alertKey("nudge", meeting.id) }] : []),
    ...(ask.headsUpNow ? [{ kind: "heads_up" as const, idempotencyKey: alertKey("heads_up", meeting.id) }] : []),
  ];
  const readCall: TaskCommand[] = ask.readPreviousCall ? [{ kind: "check_previous_call", previousMeetingId: ask.readPreviousCall }] : [];
  if (path.length === 0) return { next, transitions: [], alerts: nudge, withdrawAlerts: [], tasks: readCall, recheckAt };
  const raised = ALERT_OF_STATE[next];
  const stillUseful = raised === "late" ? now.getTime() < meeting.end.getTime() : raised !== "suspected_missed" || ask.askWhenSuspected;
  const left = meeting.state === null ? undefined : ALERT_OF_STATE[meeting.state];
  const withdraw: DetectionAlertKind[] = [...(left !== undefined ? [left] : []), ...(!meeting.liveSignal && NUDGE_ANSWERED.has(next) ? (["nudge"] as const) : [])];
  const digest = next === "suspected_missed" && !ask.askWhenSuspected && ask.digest !== null ? [{ kind: "send_digest" as const, ...ask.digest }] : [];
  return {
    next,
    transitions: path,
    alerts: [...nudge, ...(raised !== undefined && stillUseful ? [{ kind: raised, idempotencyKey: alertKey(raised, meeting.id) }] : [])],
    withdrawAlerts: withdraw,
    tasks: next === "missed" ? [{ kind: "open_recovery_case", idempotencyKey: recoveryCaseKey(meeting.id) }] : [...digest, ...readCall],
    recheckAt,
  };
}
