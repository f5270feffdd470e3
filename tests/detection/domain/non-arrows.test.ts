import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  FINAL_STATES,
  decide,
  type DetectableMeeting,
  type DetectionSettings,
  type EvidenceItem,
  type MeetingState,
} from "../../../src/detection/domain/index.js";
import { cancelled, meeting, minute, seen } from "./fixtures.js";

function decideAt(
  nowMinute: number,
  overrides: Partial<DetectableMeeting>,
  evidence: EvidenceItem[] = [],
  settings: Partial<DetectionSettings> = {},
) {
  return decide({
    meeting: meeting(overrides),
    evidence,
    settings: { ...DEFAULT_DETECTION_SETTINGS, ...settings },
    now: minute(nowMinute),
  });
}

const nothingHappens = { transitions: [], alerts: [], withdrawAlerts: [], tasks: [] };

describe("what does not happen", () => {
  const lateAndTempting = [
    { name: "a day later", overrides: {}, evidence: [] },
    { name: "after a cancellation", overrides: cancelled, evidence: [] },
    { name: "after new evidence", overrides: {}, evidence: [seen("conference_joined")] },
    { name: "with others joined and auto-confirm on", overrides: {}, evidence: [seen("others_joined")] },
  ];
  for (const state of FINAL_STATES) {
    it.each(lateAndTempting)(`nothing leaves ${state} $name`, ({ overrides, evidence }) => {
      const decision = decideAt(24 * 60, { state, ...overrides }, evidence, { autoConfirmMinutes: 0 });
      expect(decision).toEqual({ next: state, ...nothingHappens, recheckAt: null });
    });
  }

  it("raises no late alert before the grace has passed, and wakes exactly when it does", () => {
    const justBefore = decide({
      meeting: meeting({ state: "in_progress" }),
      evidence: [],
      settings: DEFAULT_DETECTION_SETTINGS,
      now: new Date(minute(5).getTime() - 1),
    });
    expect(justBefore).toEqual({ next: "in_progress", ...nothingHappens, recheckAt: minute(5) });
  });

  it("does not suspect a miss before end + settle, and wakes exactly then", () => {
    const justBefore = decide({
      meeting: meeting({ state: "late" }),
      evidence: [],
      settings: DEFAULT_DETECTION_SETTINGS,
      now: new Date(minute(40).getTime() - 1),
    });
    expect(justBefore).toEqual({ next: "late", ...nothingHappens, recheckAt: minute(40) });
  });

  it("with evidence, goes to attended at end + settle instead of suspecting", () => {
    const decision = decideAt(40, { state: "late" }, [seen("marked_attended", 39)]);
    expect(decision.next).toBe("attended");
    expect(decision.alerts).toEqual([]);
  });

  it("prefers the user's own evidence over others_joined, even with auto-confirm due", () => {
    const evidence = [seen("others_joined"), seen("checked_in")];
    const decision = decideAt(600, { state: "suspected_missed" }, evidence, { autoConfirmMinutes: 0 });
    expect(decision.next).toBe("attended");
    expect(decision.tasks).toEqual([]);
  });

  it("never auto-confirms with the setting off, however long the others have been there", () => {
    const decision = decideAt(5000, { state: "suspected_missed" }, [seen("others_joined")]);
    expect(decision).toEqual({ next: "suspected_missed", ...nothingHappens, recheckAt: null });
  });

  it("never auto-confirms without others_joined evidence", () => {
    const decision = decideAt(5000, { state: "suspected_missed" }, [], { autoConfirmMinutes: 0 });
    expect(decision).toEqual({ next: "suspected_missed", ...nothingHappens, recheckAt: null });
  });

  it("waits for auto-confirm and wakes at end + delay", () => {
    const decision = decideAt(45, { state: "suspected_missed" }, [seen("others_joined")], { autoConfirmMinutes: 60 });
    expect(decision).toEqual({ next: "suspected_missed", ...nothingHappens, recheckAt: minute(90) });
  });

  it("does not auto-confirm inside the settle window even with a shorter delay", () => {
    const before = decideAt(39, { state: "late" }, [seen("others_joined")], { autoConfirmMinutes: 0 });
    expect(before.next).toBe("late");
    expect(before.recheckAt).toEqual(minute(40));
    const at = decideAt(40, { state: "late" }, [seen("others_joined")], { autoConfirmMinutes: 0 });
    expect(at.transitions.map((t) => t.to)).toEqual(["suspected_missed", "missed"]);
    // "Are you sure?" would be answered before it was asked: only the recovery case opens.
    expect(at.alerts).toEqual([]);
    expect(at.withdrawAlerts).toEqual(["late"]);
    expect(at.tasks).toEqual([{ kind: "open_recovery_case", idempotencyKey: "open_recovery_case:m1" }]);
  });

  it("raises no 'running late?' once the meeting has ended", () => {
    const decision = decideAt(35, { state: "in_progress" });
    expect(decision.next).toBe("late");
    expect(decision.alerts).toEqual([]);
    expect(decision.recheckAt).toEqual(minute(40));
  });

  it("excuses a meeting that stops being watched for another reason (marked free, attendees removed)", () => {
    const decision = decideAt(2, { state: "in_progress", watched: false });
    expect(decision.transitions).toEqual([{ from: "in_progress", to: "excused", reason: "no_longer_watched" }]);
  });

  it("trusts cancelled and declined even when the watched flag was not refreshed", () => {
    expect(decideAt(2, { state: "late", isCancelled: true }).next).toBe("excused");
    expect(decideAt(2, { state: "late", selfDeclined: true }).next).toBe("excused");
  });
});

describe("first sight and re-runs", () => {
  it("keeps an unwatched meeting it never saw stateless", () => {
    expect(decideAt(0, { state: null, watched: false })).toEqual({ next: null, ...nothingHappens, recheckAt: null });
  });

  it("places a newly watched meeting in upcoming without a transition", () => {
    expect(decideAt(-60, { state: null })).toEqual({ next: "upcoming", ...nothingHappens, recheckAt: minute(0) });
  });

  it("walks a meeting first seen while running through each arrow and raises late", () => {
    const decision = decideAt(7, { state: null });
    expect(decision.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(["upcoming>in_progress", "in_progress>late"]);
    expect(decision.alerts).toEqual([{ kind: "late", idempotencyKey: "late:m1" }]);
    expect(decision.withdrawAlerts).toEqual([]);
  });

  it("names the same alert key however often the same input is decided, and nothing once fed back", () => {
    const input = { meeting: meeting({ state: "in_progress" }), evidence: [], settings: DEFAULT_DETECTION_SETTINGS, now: minute(6) };
    const first = decide(input);
    expect(decide(input)).toEqual(first);
    const again = decide({ ...input, meeting: meeting({ state: first.next }) });
    expect(again).toEqual({ next: "late", ...nothingHappens, recheckAt: minute(40) });
  });
});

describe("an early check-in", () => {
  const early = [seen("checked_in", -10)];

  it("keeps the meeting upcoming until its start", () => {
    expect(decideAt(-5, { state: "upcoming" }, early)).toEqual({ next: "upcoming", ...nothingHappens, recheckAt: minute(0) });
  });

  it("makes it attended at the start, through in_progress, with no alert", () => {
    const decision = decideAt(0, { state: "upcoming" }, early);
    expect(decision.transitions.map((t) => [t.to, t.reason])).toEqual([
      ["in_progress", "meeting_started"],
      ["attended", "evidence_checked_in"],
    ]);
    expect(decision.alerts).toEqual([]);
    expect(decision.recheckAt).toBeNull();
  });

  it("does not stop a cancellation before the start from excusing it", () => {
    expect(decideAt(-5, { state: "upcoming", ...cancelled }, early).next).toBe("excused" satisfies MeetingState);
  });
});
