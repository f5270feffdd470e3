import { decisionFrom, walk, type AskPolicy, type Decision, type Transition } from "./decision.js";
import { endedBeforeWatching, isWatchedNow, signalSeesAbsence, unwatchedReason, type DetectableMeeting } from "./detectable-meeting.js";
import { digestTimeFor } from "./digest-time.js";
import { othersJoinedWithoutUser, strongestAttendance, type EvidenceItem } from "./evidence.js";
import { earliestAfter, minutesAfter } from "./instants.js";
import { placesHeadsUpAt, previousCallWorthReading, stillInCallCheckAt, twoPlacesBackToBack, type HeadsUpFacts } from "./heads-up.js";
import type { DetectionSettings } from "./settings.js";
import { isFinalState, type MeetingState } from "./states.js";

export interface DetectionInput {
  readonly meeting: DetectableMeeting;
  readonly evidence: readonly EvidenceItem[];
  readonly settings: DetectionSettings;
  readonly now: Date;
  /** where the meeting is and what comes right before it, for heads-ups; absent = none */
  readonly headsUp?: HeadsUpFacts;
}

/** A nudge that reaches the user this long after the start is still worth sending (a pass may run a little late). */
const NUDGE_LATEST_MINUTES = 2;

/** The instants at which the answer changes by the clock alone. */
function thresholds(meeting: DetectableMeeting, settings: DetectionSettings) {
  const autoConfirmMinutes = settings.autoConfirmMinutes;
  return {
    start: meeting.start,
    nudge: settings.nudgeMinutes > 0 ? minutesAfter(meeting.start, -settings.nudgeMinutes) : null,
    nudgeLatest: minutesAfter(meeting.start, NUDGE_LATEST_MINUTES),
    graceOver: minutesAfter(meeting.start, settings.lateGraceMinutes),
    settled: minutesAfter(meeting.end, settings.settleMinutes),
    // Never before the settle window closes: lagging conference data gets its chance first.
    autoConfirm:
      autoConfirmMinutes === null
        ? null
        : minutesAfter(meeting.end, Math.max(autoConfirmMinutes, settings.settleMinutes)),
  };
}

/** "Running late?" is only asked where joins can be seen live, unless the user asked for it everywhere. */
function mayBeLate(input: DetectionInput): boolean {
  return input.meeting.liveSignal || input.settings.lateAlertsWithoutSignal;
}

/** Only meetings we cannot see get a nudge: where we can, the late alert is the right question. */
function nudged(input: DetectionInput): boolean {
  return !input.meeting.liveSignal && input.settings.nudgeMinutes > 0 && !endedBeforeWatching(input.meeting);
}

/**
 * The one arrow out of `state` whose condition holds now, strongest first: unwatched beats
 * everything, then own evidence, then the clock. Own evidence is checked before every clock
 * arrow, so no path reaches `suspected_missed` or `missed` while evidence exists.
 */
function arrowOutOf(state: MeetingState, input: DetectionInput): Transition | null {
  const { meeting, evidence, now } = input;
  if (isFinalState(state)) return null;
  if (!isWatchedNow(meeting)) return { from: state, to: "excused", reason: unwatchedReason(meeting) };
  const at = thresholds(meeting, input.settings);
  const reached = (instant: Date | null) => instant !== null && now.getTime() >= instant.getTime();
  const attendance = strongestAttendance(evidence);
  switch (state) {
    case "upcoming":
      // An early check-in waits for the start: the meeting may still be cancelled or declined.
      return reached(at.start) ? { from: state, to: "in_progress", reason: "meeting_started" } : null;
    case "in_progress":
    case "late":
      if (attendance !== null) return { from: state, to: "attended", reason: `evidence_${attendance}` };
      if (reached(at.settled)) {
        return { from: state, to: "suspected_missed", reason: signalSeesAbsence(meeting) ? "no_evidence_after_settle" : "no_check_in" };
      }
      if (state === "in_progress" && reached(at.graceOver) && mayBeLate(input)) {
        return { from: state, to: "late", reason: "no_evidence_after_grace" };
      }
      return null;
    case "suspected_missed":
      if (attendance !== null) return { from: state, to: "attended", reason: `evidence_${attendance}` };
      // Nobody's miss is confirmed for them about a meeting held before they signed up.
      if (othersJoinedWithoutUser(evidence) && reached(at.autoConfirm) && !endedBeforeWatching(meeting)) {
        return { from: state, to: "missed", reason: "others_joined_auto_confirmed" };
      }
      return null;
  }
  return null;
}

/** When, with no new evidence, the state reached could next change. */
function recheckAt(state: MeetingState, input: DetectionInput): Date | null {
  const at = thresholds(input.meeting, input.settings);
  switch (state) {
    case "upcoming":
      return earliestAfter(input.now, [at.start, ...(nudged(input) && at.nudge ? [at.nudge] : []), ...headsUpInstants(input)]);
    case "in_progress":
      return earliestAfter(input.now, mayBeLate(input) ? [at.graceOver, at.settled] : [at.settled]);
    case "late":
      return earliestAfter(input.now, [at.settled]);
    case "suspected_missed":
      // Only others_joined evidence can make the clock confirm; without it we wait for the user.
      return at.autoConfirm !== null && othersJoinedWithoutUser(input.evidence) && !endedBeforeWatching(input.meeting)
        ? earliestAfter(input.now, [at.autoConfirm])
        : null;
    default:
      return null;
  }
}

/** The instants before the start at which a heads-up can become due. */
function headsUpInstants(input: DetectionInput): Date[] {
  const facts = input.headsUp;
  if (!facts || endedBeforeWatching(input.meeting)) return [];
  return [...(twoPlacesBackToBack(facts) ? [placesHeadsUpAt(facts)] : []), ...(previousCallWorthReading(facts) ? [stillInCallCheckAt(facts)] : [])];
}

/** Within [from, start): the heads-up still comes before the meeting does. */
function beforeStartFrom(from: Date, input: DetectionInput): boolean {
  return input.now.getTime() >= from.getTime() && input.now.getTime() < input.meeting.start.getTime();
}

/**
 * What may be asked about this meeting now (PRODUCT §3, "ask only when it matters"): nothing
 * about a meeting that ended before we watched; "are you sure?" on its own only where a signal
 * exists (or the user asked for each); otherwise the day's digest; and a nudge just before a
 * meeting we cannot see.
 */
function askPolicy(input: DetectionInput, next: MeetingState): AskPolicy {
  const { meeting, settings, now, evidence } = input;
  if (endedBeforeWatching(meeting)) return { askWhenSuspected: false, digest: null, nudgeNow: false, headsUpNow: false, readPreviousCall: null };
  const signal = signalSeesAbsence(meeting);
  const at = thresholds(meeting, settings);
  const inNudgeWindow = at.nudge !== null && now.getTime() >= at.nudge.getTime() && now.getTime() < at.nudgeLatest.getTime();
  const settledAt = new Date(Math.max(now.getTime(), at.settled.getTime()));
  return {
    askWhenSuspected: signal || settings.checkInPrompt === "each",
    digest: !signal && settings.checkInPrompt === "digest" ? digestTimeFor(settledAt, settings.timeZone, settings.workdayEnd) : null,
    nudgeNow: nudged(input) && inNudgeWindow && (next === "upcoming" || next === "in_progress") && strongestAttendance(evidence) === null,
    headsUpNow: next === "upcoming" && input.headsUp !== undefined && twoPlacesBackToBack(input.headsUp) && beforeStartFrom(placesHeadsUpAt(input.headsUp), input),
    readPreviousCall:
      next === "upcoming" && input.headsUp?.previous && previousCallWorthReading(input.headsUp) && beforeStartFrom(stillInCallCheckAt(input.headsUp), input)
        ? input.headsUp.previous.id
        : null,
  };
}

/**
 * Brings a meeting's detection state up to `now`. Pure: the edge stores `next`, records the
 * transitions and turns the commands into rows in one transaction, then wakes at `recheckAt`.
 *
 * A meeting first seen watched is placed in `upcoming` (placement is not a transition) and
 * walked from there, recording every arrow it passes, so its history reads the same whether
 * the detector watched it live or first saw it after the end.
 */
export function decide(input: DetectionInput): Decision {
  const { meeting, now } = input;
  const start = meeting.state ?? (isWatchedNow(meeting) ? "upcoming" : null);
  if (start === null) return { next: null, transitions: [], alerts: [], withdrawAlerts: [], tasks: [], recheckAt: null };
  const path = walk(start, (state) => arrowOutOf(state, input));
  const next = path.at(-1)?.to ?? start;
  return decisionFrom({ meeting, path, start, now, recheckAt: recheckAt(next, input), ask: askPolicy(input, next) });
}
