import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  LEGAL_TRANSITIONS,
  applyUserAction,
  decide,
  isLegalTransition,
  type Decision,
  type DetectableMeeting,
  type DetectionAlertKind,
  type DetectionSettings,
  type EvidenceItem,
  type MeetingState,
  type TransitionReason,
  type UserAction,
} from "../../../src/detection/domain/index.js";
import { cancelled, declined, meeting, minute, seen } from "./fixtures.js";

interface Row {
  name: string;
  state: MeetingState;
  nowMinute: number;
  meeting?: Partial<DetectableMeeting>;
  evidence?: EvidenceItem[];
  settings?: Partial<DetectionSettings>;
  /** a user action instead of the clock-and-evidence decision */
  action?: UserAction["type"];
  next: MeetingState;
  transitions: Array<[MeetingState, MeetingState, TransitionReason]>;
  alerts?: DetectionAlertKind[];
  withdraw?: DetectionAlertKind[];
  opensCase?: boolean;
  recheckMinute: number | null;
}

// The half-hour meeting starts at minute 0 and ends at 30; defaults: grace 5, settle 10.
const rows: Row[] = [
  { name: "the start passes", state: "upcoming", nowMinute: 0, next: "in_progress",
    transitions: [["upcoming", "in_progress", "meeting_started"]], recheckMinute: 5 },
  { name: "cancelled before it starts", state: "upcoming", nowMinute: -60, meeting: cancelled, next: "excused",
    transitions: [["upcoming", "excused", "cancelled"]], recheckMinute: null },
  { name: "declined before it starts", state: "upcoming", nowMinute: -60, meeting: declined, next: "excused",
    transitions: [["upcoming", "excused", "declined"]], recheckMinute: null },
  { name: "the user appears among the participants", state: "in_progress", nowMinute: 3,
    evidence: [seen("conference_joined", 2)], next: "attended",
    transitions: [["in_progress", "attended", "evidence_conference_joined"]], recheckMinute: null },
  { name: "grace passes without evidence", state: "in_progress", nowMinute: 5, next: "late",
    transitions: [["in_progress", "late", "no_evidence_after_grace"]], alerts: ["late"], recheckMinute: 40 },
  { name: "a meeting shorter than the grace settles without evidence", state: "in_progress", nowMinute: 15,
    meeting: { end: minute(5) }, settings: { lateGraceMinutes: 30 }, next: "suspected_missed",
    transitions: [["in_progress", "suspected_missed", "no_evidence_after_settle"]], alerts: ["suspected_missed"],
    recheckMinute: null },
  { name: "cancelled while running", state: "in_progress", nowMinute: 2, meeting: cancelled, next: "excused",
    transitions: [["in_progress", "excused", "cancelled"]], recheckMinute: null },
  { name: "late, then a check-in arrives", state: "late", nowMinute: 8, evidence: [seen("checked_in", 8)],
    next: "attended", transitions: [["late", "attended", "evidence_checked_in"]], withdraw: ["late"],
    recheckMinute: null },
  { name: "late, the user clicks I'm here", state: "late", nowMinute: 8, action: "check_in", next: "attended",
    transitions: [["late", "attended", "user_checked_in"]], withdraw: ["late"], recheckMinute: null },
  { name: "late, the settle window closes", state: "late", nowMinute: 40, next: "suspected_missed",
    transitions: [["late", "suspected_missed", "no_evidence_after_settle"]], alerts: ["suspected_missed"],
    withdraw: ["late"], recheckMinute: null },
  { name: "late, then declined", state: "late", nowMinute: 10, meeting: declined, next: "excused",
    transitions: [["late", "excused", "declined"]], withdraw: ["late"], recheckMinute: null },
  { name: "suspected, then lagging conference data shows the user", state: "suspected_missed", nowMinute: 90,
    evidence: [seen("conference_joined", 1)], next: "attended",
    transitions: [["suspected_missed", "attended", "evidence_conference_joined"]], withdraw: ["suspected_missed"],
    recheckMinute: null },
  { name: "suspected, the user says I was there", state: "suspected_missed", nowMinute: 45, action: "deny_missed",
    next: "attended", transitions: [["suspected_missed", "attended", "user_denied_missed"]],
    withdraw: ["suspected_missed"], recheckMinute: null },
  { name: "suspected, the user confirms", state: "suspected_missed", nowMinute: 45, action: "confirm_missed",
    next: "missed", transitions: [["suspected_missed", "missed", "user_confirmed_missed"]],
    withdraw: ["suspected_missed"], opensCase: true, recheckMinute: null },
  { name: "suspected, the others joined and the auto-confirm delay passes", state: "suspected_missed",
    nowMinute: 60, evidence: [seen("others_joined", 1)], settings: { autoConfirmMinutes: 30 }, next: "missed",
    transitions: [["suspected_missed", "missed", "others_joined_auto_confirmed"]], withdraw: ["suspected_missed"],
    opensCase: true, recheckMinute: null },
  { name: "suspected, then cancelled", state: "suspected_missed", nowMinute: 50, meeting: cancelled,
    next: "excused", transitions: [["suspected_missed", "excused", "cancelled"]], withdraw: ["suspected_missed"],
    recheckMinute: null },
];

function run(row: Row): Decision {
  const subject = meeting({ state: row.state, ...row.meeting });
  const evidence = row.evidence ?? [];
  const now = minute(row.nowMinute);
  if (row.action === undefined) {
    return decide({ meeting: subject, evidence, settings: { ...DEFAULT_DETECTION_SETTINGS, ...row.settings }, now });
  }
  const result = applyUserAction(subject, { type: row.action }, now, evidence);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.decision;
}

describe("every arrow of the detection diagram", () => {
  it.each(rows)("$state: $name", (row) => {
    const decision = run(row);
    expect(decision.next).toBe(row.next);
    expect(decision.transitions.map((t) => [t.from, t.to, t.reason])).toEqual(row.transitions);
    expect(decision.alerts).toEqual((row.alerts ?? []).map((kind) => ({ kind, idempotencyKey: `${kind}:m1` })));
    expect(decision.withdrawAlerts).toEqual(row.withdraw ?? []);
    expect(decision.tasks).toEqual(
      row.opensCase ? [{ kind: "open_recovery_case", idempotencyKey: "open_recovery_case:m1" }] : [],
    );
    expect(decision.recheckAt).toEqual(row.recheckMinute === null ? null : minute(row.recheckMinute));
  });

  it("covers each legal arrow with at least one row, and only legal arrows", () => {
    const covered = new Set(rows.flatMap((row) => row.transitions.map(([from, to]) => `${from}>${to}`)));
    for (const row of rows) for (const [from, to] of row.transitions) expect(isLegalTransition(from, to)).toBe(true);
    expect([...covered].sort()).toEqual(LEGAL_TRANSITIONS.map(({ from, to }) => `${from}>${to}`).sort());
  });
});
