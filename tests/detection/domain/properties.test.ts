import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  LEGAL_TRANSITIONS,
  applyUserAction,
  decide,
  isFinalState,
  isLegalTransition,
  othersJoinedWithoutUser,
  strongestAttendance,
  type Decision,
  type DetectableMeeting,
  type DetectionSettings,
  type EvidenceItem,
  type EvidenceKind,
  type MeetingState,
  type UserAction,
} from "../../../src/detection/domain/index.js";

type WorldEvent =
  | { type: "advance"; seconds: number }
  /** the edge's scheduled wake-up: jump exactly to the last recheckAt */
  | { type: "wake" }
  | { type: "evidence"; kind: EvidenceKind }
  | { type: "cancel" }
  | { type: "decline" }
  | { type: "unwatch" }
  | { type: "rewatch" }
  | { type: "action"; action: UserAction["type"] };

const eventArb: fc.Arbitrary<WorldEvent> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant("advance" as const), seconds: fc.integer({ min: 0, max: 900 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("advance" as const), seconds: fc.integer({ min: 0, max: 36_000 }) }) },
  { weight: 4, arbitrary: fc.constant({ type: "wake" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("evidence" as const),
      kind: fc.constantFrom<EvidenceKind>("conference_joined", "checked_in", "marked_attended", "others_joined"),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom({ type: "cancel" as const }, { type: "decline" as const }, { type: "unwatch" as const }) },
  { weight: 1, arbitrary: fc.constant({ type: "rewatch" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("action" as const),
      action: fc.constantFrom<UserAction["type"]>("confirm_missed", "deny_missed", "check_in", "mark_attended"),
    }),
  },
);

const scenarioArb = fc.record({
  startSeconds: fc.integer({ min: 0, max: 400 * 24 * 3600 }),
  durationMinutes: fc.integer({ min: 0, max: 180 }),
  // Mostly around the meeting, where the short-lived states live; sometimes days after it.
  firstSeenMinute: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -30, max: 60 }) },
    { weight: 1, arbitrary: fc.integer({ min: -600, max: 3000 }) },
  ),
  initiallyWatched: fc.boolean(),
  settings: fc.record({
    lateGraceMinutes: fc.integer({ min: 0, max: 60 }),
    settleMinutes: fc.integer({ min: 0, max: 240 }),
    autoConfirmMinutes: fc.option(fc.integer({ min: 0, max: 1440 }), { nil: null }),
  }),
  events: fc.array(eventArb, { maxLength: 40 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Every arrow any run took: a generator that never reaches an arrow proves nothing about it. */
const arrowsExercised = new Set<string>();

/** Plays a scenario the way the edge would: every event is followed by `decide`, `next` is stored. */
function play(scenario: Scenario): void {
  const settings: DetectionSettings = { ...DEFAULT_DETECTION_SETTINGS, ...scenario.settings };
  const start = new Date(Date.UTC(2026, 0, 1) + scenario.startSeconds * 1000);
  let meeting: DetectableMeeting = {
    id: "m-prop",
    start,
    end: new Date(start.getTime() + scenario.durationMinutes * 60_000),
    state: null,
    watched: scenario.initiallyWatched,
    isCancelled: false,
    selfDeclined: false,
    source: "conference",
    liveSignal: true,
    liveSignalRead: true,
    watchedSince: null,
  };
  let now = new Date(start.getTime() + scenario.firstSeenMinute * 60_000);
  let recheckAt: Date | null = null;
  const evidence: EvidenceItem[] = [];
  const arrowsTaken = new Set<string>();
  const alertKeysByKind = new Map<string, string[]>();
  const taskKeys: string[] = [];

  const check = (decision: Decision, byClock: boolean): void => {
    let state = meeting.state ?? (decision.transitions.length > 0 ? "upcoming" : meeting.state);
    for (const { from, to } of decision.transitions) {
      expect(from).toBe(state);
      expect(isLegalTransition(from, to)).toBe(true);
      expect(isFinalState(from)).toBe(false);
      // The worst bug: a miss while we hold evidence the user was there.
      if (to === "suspected_missed" || to === "missed") expect(strongestAttendance(evidence)).toBeNull();
      if (to === "missed" && byClock) {
        expect(othersJoinedWithoutUser(evidence)).toBe(true);
        expect(settings.autoConfirmMinutes).not.toBeNull();
        expect(now.getTime()).toBeGreaterThanOrEqual(meeting.end.getTime() + (settings.autoConfirmMinutes ?? 0) * 60_000);
      }
      expect(arrowsTaken.has(`${from}>${to}`)).toBe(false); // recorded once
      arrowsTaken.add(`${from}>${to}`);
      arrowsExercised.add(`${from}>${to}`);
      state = to;
    }
    if (decision.transitions.length > 0) expect(decision.next).toBe(state);
    else if (meeting.state !== null) expect(decision.next).toBe(meeting.state);
    for (const alert of decision.alerts) {
      expect(alert.idempotencyKey).toBe(`${alert.kind}:${meeting.id}`);
      alertKeysByKind.set(alert.kind, [...(alertKeysByKind.get(alert.kind) ?? []), alert.idempotencyKey]);
      expect(new Set(alertKeysByKind.get(alert.kind)).size).toBe(1);
    }
    for (const task of decision.tasks) taskKeys.push(task.kind === "open_recovery_case" ? task.idempotencyKey : task.kind);
    expect(taskKeys.every((key) => key === `open_recovery_case:${meeting.id}`)).toBe(true);
    if (decision.recheckAt !== null) expect(decision.recheckAt.getTime()).toBeGreaterThan(now.getTime());
  };

  const decideNow = (): void => {
    const decision = decide({ meeting, evidence, settings, now });
    check(decision, true);
    meeting = { ...meeting, state: decision.next };
    recheckAt = decision.recheckAt;
    // A fixpoint: deciding again on the stored result changes nothing.
    expect(decide({ meeting, evidence, settings, now }).transitions).toEqual([]);
    // recheckAt is exact: nothing changes a millisecond before it, something changes at it.
    if (recheckAt !== null) {
      const before = new Date(recheckAt.getTime() - 1);
      expect(decide({ meeting, evidence, settings, now: before }).transitions).toEqual([]);
      expect(decide({ meeting, evidence, settings, now: recheckAt }).transitions.length).toBeGreaterThan(0);
    }
    // Own evidence on a started, watched meeting leaves only one open answer: attended.
    const state = meeting.state;
    if (state !== null && !isFinalState(state) && meeting.watched && !meeting.isCancelled && !meeting.selfDeclined) {
      if (now.getTime() >= meeting.start.getTime()) expect(strongestAttendance(evidence)).toBeNull();
    }
  };

  decideNow();
  for (const event of scenario.events) {
    switch (event.type) {
      case "advance":
        now = new Date(now.getTime() + event.seconds * 1000);
        break;
      case "wake":
        if (recheckAt !== null) now = recheckAt;
        break;
      case "evidence":
        evidence.push({ kind: event.kind, observedAt: now });
        break;
      case "cancel":
        meeting = { ...meeting, isCancelled: true, watched: false };
        break;
      case "decline":
        meeting = { ...meeting, selfDeclined: true, watched: false };
        break;
      case "unwatch":
        meeting = { ...meeting, watched: false };
        break;
      case "rewatch":
        meeting = { ...meeting, watched: !meeting.isCancelled && !meeting.selfDeclined };
        break;
      case "action": {
        const before = meeting.state;
        const result = applyUserAction(meeting, { type: event.action }, now, evidence);
        if (result.ok) {
          check(result.decision, false);
          meeting = { ...meeting, state: result.decision.next };
          if (result.recordEvidence !== null) evidence.push({ kind: result.recordEvidence, observedAt: now });
        } else {
          expect(meeting.state).toBe(before);
        }
        break;
      }
    }
    decideNow();
  }

  // Left alone, the edge's wake-ups bring every watched meeting to an answer or a question.
  for (let wakeUps = 0; recheckAt !== null && wakeUps < 10; wakeUps++) {
    now = recheckAt;
    decideNow();
  }
  expect(recheckAt).toBeNull();
  const settled: Array<MeetingState | null> = [null, "attended", "missed", "excused", "suspected_missed"];
  expect(settled).toContain(meeting.state);
}

describe("detection under random event streams", () => {
  it("keeps every invariant the edge relies on", () => {
    fc.assert(fc.property(scenarioArb, play), { numRuns: 2000 });
    expect([...arrowsExercised].sort()).toEqual(LEGAL_TRANSITIONS.map(({ from, to }) => `${from}>${to}`).sort());
  });
});
