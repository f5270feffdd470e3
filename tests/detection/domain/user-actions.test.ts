import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  applyUserAction,
  decide,
  type DetectableMeeting,
  type EvidenceItem,
  type UserAction,
} from "../../../src/detection/domain/index.js";
import { cancelled, meeting, minute, seen } from "./fixtures.js";

function act(type: UserAction["type"], nowMinute: number, overrides: Partial<DetectableMeeting>, evidence: EvidenceItem[] = []) {
  return applyUserAction(meeting(overrides), { type }, minute(nowMinute), evidence);
}

const openCase = { kind: "open_recovery_case", idempotencyKey: "open_recovery_case:m1" };

describe("refused user actions (a typed answer, never a throw)", () => {
  it.each([
    { type: "confirm_missed", nowMinute: -30, overrides: { state: "upcoming" }, reason: "not_ended" },
    { type: "confirm_missed", nowMinute: 10, overrides: { state: "late" }, reason: "not_ended" },
    { type: "confirm_missed", nowMinute: 45, overrides: { state: "attended" }, reason: "final_state" },
    { type: "confirm_missed", nowMinute: 45, overrides: { state: "excused" }, reason: "final_state" },
    { type: "confirm_missed", nowMinute: 45, overrides: { state: "suspected_missed", ...cancelled }, reason: "not_watched" },
    { type: "confirm_missed", nowMinute: 45, overrides: { state: null, watched: false }, reason: "not_watched" },
    { type: "deny_missed", nowMinute: 45, overrides: { state: "missed" }, reason: "final_state" },
    { type: "deny_missed", nowMinute: -5, overrides: { state: "upcoming" }, reason: "not_started" },
    { type: "mark_attended", nowMinute: -5, overrides: { state: "upcoming" }, reason: "not_started" },
    { type: "check_in", nowMinute: 3, overrides: { state: "in_progress", ...cancelled }, reason: "not_watched" },
    { type: "check_in", nowMinute: 60, overrides: { state: "excused" }, reason: "final_state" },
  ] as const)("$type on $overrides.state at minute $nowMinute: $reason", ({ type, nowMinute, overrides, reason }) => {
    expect(act(type, nowMinute, overrides)).toEqual({ ok: false, reason });
  });

  it("refuses to confirm a miss while evidence says the user was there", () => {
    const result = act("confirm_missed", 45, { state: "suspected_missed" }, [seen("conference_joined")]);
    expect(result).toEqual({ ok: false, reason: "attendance_evidence_exists" });
  });
});

describe("confirming a miss", () => {
  it("opens the recovery case once: a second confirm succeeds and names nothing", () => {
    const first = act("confirm_missed", 45, { state: "suspected_missed" });
    expect(first.ok && first.decision.tasks).toEqual([openCase]);
    const second = act("confirm_missed", 46, { state: "missed" });
    expect(second).toEqual({
      ok: true,
      recordEvidence: null,
      decision: { next: "missed", transitions: [], alerts: [], withdrawAlerts: [], tasks: [], recheckAt: null },
    });
  });

  it("is accepted from late once the meeting ended, passing through suspected_missed", () => {
    const result = act("confirm_missed", 32, { state: "late" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.decision.transitions.map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
      "late>suspected_missed:user_confirmed_missed",
      "suspected_missed>missed:user_confirmed_missed",
    ]);
    expect(result.decision.alerts).toEqual([]);
    expect(result.decision.withdrawAlerts).toEqual(["late"]);
    expect(result.decision.tasks).toEqual([openCase]);
  });

  it("catches up with a start the detector missed before confirming", () => {
    const result = act("confirm_missed", 31, { state: "upcoming" });
    expect(result.ok && result.decision.transitions.map((t) => t.to)).toEqual(["in_progress", "suspected_missed", "missed"]);
  });
});

describe("saying you were there", () => {
  it("records marked_attended for I was there", () => {
    const result = act("deny_missed", 45, { state: "suspected_missed" });
    expect(result.ok && result.recordEvidence).toBe("marked_attended");
    expect(result.ok && result.decision.next).toBe("attended");
  });

  it("keeps an early check-in as evidence, wakes at the start, and decide then makes it attended", () => {
    const early = act("check_in", -10, { state: "upcoming" });
    expect(early).toEqual({
      ok: true,
      recordEvidence: "checked_in",
      decision: { next: "upcoming", transitions: [], alerts: [], withdrawAlerts: [], tasks: [], recheckAt: minute(0) },
    });
    const atStart = decide({
      meeting: meeting({ state: "upcoming" }),
      evidence: [seen("checked_in", -10)],
      settings: DEFAULT_DETECTION_SETTINGS,
      now: minute(0),
    });
    expect(atStart.next).toBe("attended");
  });

  it("takes a stored upcoming meeting that has started through in_progress", () => {
    const result = act("check_in", 2, { state: "upcoming" });
    expect(result.ok && result.decision.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      "upcoming>in_progress",
      "in_progress>attended",
    ]);
  });

  it("is a harmless repeat on an attended meeting, even after it was cancelled", () => {
    const result = act("check_in", 60, { state: "attended", ...cancelled });
    expect(result.ok && result.decision.transitions).toEqual([]);
  });

  it("counts mark_attended from in_progress", () => {
    const result = act("mark_attended", 3, { state: "in_progress" });
    expect(result.ok && result.decision.transitions).toEqual([
      { from: "in_progress", to: "attended", reason: "user_marked_attended" },
    ]);
  });
});
