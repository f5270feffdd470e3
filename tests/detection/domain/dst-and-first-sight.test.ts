import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  decide,
  type DetectableMeeting,
  type EvidenceItem,
  type MeetingState,
} from "../../../src/detection/domain/index.js";

const LOS_ANGELES = "America/Los_Angeles";

function localMeeting(id: string, startIso: string, endIso: string): DetectableMeeting {
  return {
    id,
    start: DateTime.fromISO(startIso).toJSDate(),
    end: DateTime.fromISO(endIso).toJSDate(),
    state: null,
    watched: true,
    isCancelled: false,
    selfDeclined: false,
    source: "conference",
    liveSignal: true,
    liveSignalRead: true,
    watchedSince: null,
  };
}

function local(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: LOS_ANGELES }).toFormat("HH:mm ZZZZ");
}

/** Lets the clock alone drive a meeting, waking exactly at each recheckAt as the edge would. */
function lifeOf(meeting: DetectableMeeting, firstSeen: Date) {
  const steps: Array<{ at: string; state: MeetingState | null; alerts: string[] }> = [];
  let current = meeting;
  let now: Date | null = firstSeen;
  while (now !== null) {
    const decision = decide({ meeting: current, evidence: [], settings: DEFAULT_DETECTION_SETTINGS, now });
    steps.push({ at: local(now), state: decision.next, alerts: decision.alerts.map((a) => a.idempotencyKey) });
    current = { ...current, state: decision.next };
    now = decision.recheckAt;
  }
  return steps;
}

// On 2026-11-01 Los Angeles falls back from PDT to PST at 02:00: 01:30 happens twice.
describe("the day daylight saving time ends", () => {
  // 01:30 PDT to 01:00 PST: half an hour, though the wall clock goes backwards.
  const first = localMeeting("first", "2026-11-01T01:30:00-07:00", "2026-11-01T01:00:00-08:00");
  const second = localMeeting("second", "2026-11-01T01:30:00-08:00", "2026-11-01T02:00:00-08:00");

  it("has two meetings at the same local 01:30, an hour apart", () => {
    expect(local(first.start)).toBe("01:30 PDT");
    expect(local(second.start)).toBe("01:30 PST");
    expect(first.start.toISOString()).toBe("2026-11-01T08:30:00.000Z");
    expect(second.start.toISOString()).toBe("2026-11-01T09:30:00.000Z");
  });

  it("drives each meeting by its own instants: start, start + 5 min, end + 10 min", () => {
    const firstSeen = DateTime.fromISO("2026-11-01T00:00:00-07:00").toJSDate();
    expect(lifeOf(first, firstSeen)).toEqual([
      { at: "00:00 PDT", state: "upcoming", alerts: [] },
      { at: "01:30 PDT", state: "in_progress", alerts: [] },
      { at: "01:35 PDT", state: "late", alerts: ["late:first"] },
      // it ends at 01:00 PST, so the settle window closes at 01:10 PST, before the second one starts
      { at: "01:10 PST", state: "suspected_missed", alerts: ["suspected_missed:first"] },
    ]);
    expect(lifeOf(second, firstSeen)).toEqual([
      { at: "00:00 PDT", state: "upcoming", alerts: [] },
      { at: "01:30 PST", state: "in_progress", alerts: [] },
      { at: "01:35 PST", state: "late", alerts: ["late:second"] },
      { at: "02:10 PST", state: "suspected_missed", alerts: ["suspected_missed:second"] },
    ]);
  });

  it("at 01:36 PDT calls the first late and still waits for the second", () => {
    const now = new Date("2026-11-01T08:36:00.000Z");
    const settings = DEFAULT_DETECTION_SETTINGS;
    expect(decide({ meeting: first, evidence: [], settings, now }).next).toBe("late");
    const waiting = decide({ meeting: second, evidence: [], settings, now });
    expect(waiting.next).toBe("upcoming");
    expect(waiting.recheckAt).toEqual(second.start);
  });

  it("settles a meeting that spans the change by elapsed time, not the wall clock", () => {
    // 01:45 PDT to 01:15 PST: the wall clock says it ends before it starts; it lasts 30 minutes.
    const spanning = localMeeting("spanning", "2026-11-01T01:45:00-07:00", "2026-11-01T01:15:00-08:00");
    const late = decide({
      meeting: { ...spanning, state: "late" },
      evidence: [],
      settings: DEFAULT_DETECTION_SETTINGS,
      now: new Date("2026-11-01T09:20:00.000Z"),
    });
    expect(late.next).toBe("late");
    expect(local(late.recheckAt ?? new Date(0))).toBe("01:25 PST");
  });
});

describe("a meeting first seen long after it ended", () => {
  const ended = localMeeting("old", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
  const threeDaysLater = new Date("2026-03-05T10:00:00.000Z");
  const decideThen = (evidence: EvidenceItem[], autoConfirmMinutes: number | null = null) =>
    decide({ meeting: ended, evidence, settings: { ...DEFAULT_DETECTION_SETTINGS, autoConfirmMinutes }, now: threeDaysLater });

  it("records each arrow from upcoming and asks 'are you sure?' without a stale 'running late?'", () => {
    const decision = decideThen([]);
    expect(decision.transitions.map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
      "upcoming>in_progress:meeting_started",
      "in_progress>suspected_missed:no_evidence_after_settle",
    ]);
    expect(decision.alerts).toEqual([{ kind: "suspected_missed", idempotencyKey: "suspected_missed:old" }]);
    expect(decision.withdrawAlerts).toEqual([]);
    expect(decision.recheckAt).toBeNull();
  });

  it("is attended when the conference data shows the user", () => {
    const decision = decideThen([{ kind: "conference_joined", observedAt: ended.start }]);
    expect(decision.transitions.map((t) => t.to)).toEqual(["in_progress", "attended"]);
    expect(decision.alerts).toEqual([]);
  });

  it("goes straight on to missed when the others joined and auto-confirm is on, opening one case", () => {
    const decision = decideThen([{ kind: "others_joined", observedAt: ended.start }], 60);
    expect(decision.transitions.map((t) => t.to)).toEqual(["in_progress", "suspected_missed", "missed"]);
    expect(decision.alerts).toEqual([]);
    expect(decision.tasks).toEqual([{ kind: "open_recovery_case", idempotencyKey: "open_recovery_case:old" }]);
  });
});
