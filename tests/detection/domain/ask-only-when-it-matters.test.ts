import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  decide,
  digestTimeFor,
  type DetectableMeeting,
  type DetectionSettings,
  type EvidenceItem,
} from "../../../src/detection/domain/index.js";
import { meeting, minute, seen, START } from "./fixtures.js";

/** A lunch at a restaurant: nothing the user's accounts can see. */
const lunch = (overrides: Partial<DetectableMeeting> = {}) => meeting({ source: "check_in", liveSignal: false, ...overrides });
const settings = (overrides: Partial<DetectionSettings> = {}): DetectionSettings => ({ ...DEFAULT_DETECTION_SETTINGS, timeZone: "America/New_York", ...overrides });

/** Lets the clock drive a meeting from `firstSeen`, waking at each recheck, and collects what was asked. */
function lifeOf(start: DetectableMeeting, firstSeen: Date, options: { settings?: DetectionSettings; evidence?: EvidenceItem[] } = {}) {
  const asked: string[] = [];
  const tasks: string[] = [];
  let current = start;
  let now: Date | null = firstSeen;
  for (let step = 0; now !== null && step < 20; step += 1) {
    const decision = decide({ meeting: current, evidence: options.evidence ?? [], settings: options.settings ?? settings(), now });
    asked.push(...decision.alerts.map((alert) => alert.kind));
    tasks.push(...decision.tasks.map((task) => (task.kind === "send_digest" ? `digest ${task.day} at ${task.dueAt.toISOString()}` : task.kind)));
    current = { ...current, state: decision.next };
    now = decision.recheckAt;
  }
  return { asked: [...new Set(asked)], tasks: [...new Set(tasks)], state: current.state };
}

describe("meetings no signal can see (check-in only)", () => {
  it("get a nudge a few minutes before, never 'running late?', and land in the day's digest, not a question of their own", () => {
    // 15:00 UTC is 10:00 in New York: the digest goes at 17:00 New York, 22:00 UTC.
    const life = lifeOf(lunch(), minute(-60));
    expect(life.asked).toEqual(["nudge"]);
    expect(life.state).toBe("suspected_missed");
    expect(life.tasks).toEqual(["digest 2026-03-10 at 2026-03-10T21:00:00.000Z"]);
  });

  it("wake exactly at the nudge instant, then at the start", () => {
    const placed = decide({ meeting: lunch(), evidence: [], settings: settings(), now: minute(-60) });
    expect(placed.recheckAt).toEqual(minute(-5));
    const nudged = decide({ meeting: lunch(), evidence: [], settings: settings(), now: minute(-5) });
    expect(nudged.alerts.map((a) => a.idempotencyKey)).toEqual(["nudge:m1"]);
    expect(nudged.recheckAt).toEqual(START);
  });

  it("are not nudged when the user already checked in early, nor when nudges are off, nor long after the start", () => {
    expect(decide({ meeting: lunch(), evidence: [seen("checked_in", -7)], settings: settings(), now: minute(-5) }).alerts).toEqual([]);
    expect(lifeOf(lunch(), minute(-60), { settings: settings({ nudgeMinutes: 0 }) }).asked).toEqual([]);
    expect(decide({ meeting: lunch({ state: "in_progress" }), evidence: [], settings: settings(), now: minute(10) }).alerts).toEqual([]);
  });

  it("are attended with a check-in, and the nudge is withdrawn", () => {
    const decision = decide({ meeting: lunch({ state: "in_progress" }), evidence: [seen("checked_in", 2)], settings: settings(), now: minute(3) });
    expect(decision.next).toBe("attended");
    expect(decision.withdrawAlerts).toContain("nudge");
  });

  it("are asked about one by one only when the user chose it, and never when they chose never", () => {
    expect(lifeOf(lunch(), minute(-60), { settings: settings({ checkInPrompt: "each" }) })).toMatchObject({ asked: ["nudge", "suspected_missed"], tasks: [] });
    expect(lifeOf(lunch(), minute(-60), { settings: settings({ checkInPrompt: "never" }) })).toMatchObject({ asked: ["nudge"], tasks: [], state: "suspected_missed" });
  });

  it("get 'running late?' only when the user asked for it everywhere", () => {
    expect(lifeOf(lunch(), minute(-60), { settings: settings({ lateAlertsWithoutSignal: true }) }).asked).toEqual(["nudge", "late"]);
  });

  it("that end in the evening go into the next day's digest", () => {
    expect(digestTimeFor(new Date("2026-03-10T23:30:00Z"), "America/New_York", "17:00")).toEqual({ day: "2026-03-11", dueAt: new Date("2026-03-11T21:00:00Z") });
    expect(digestTimeFor(new Date("2026-03-10T20:59:00Z"), "America/New_York", "17:00")).toEqual({ day: "2026-03-10", dueAt: new Date("2026-03-10T21:00:00Z") });
  });
});

describe("meetings with a signal", () => {
  it("a Teams meeting the user organises without presence: no 'running late?' (reports come after the end), but an 'are you sure?' after it", () => {
    const teamsOwn = meeting({ source: "conference", liveSignal: false });
    expect(lifeOf(teamsOwn, minute(-60))).toMatchObject({ asked: ["nudge", "suspected_missed"], tasks: [] });
  });

  it("presence in a call is evidence of attendance, like a conference join", () => {
    const decision = decide({ meeting: meeting({ source: "presence", state: "late" }), evidence: [seen("presence_in_call", 7)], settings: settings(), now: minute(8) });
    expect(decision.next).toBe("attended");
    expect(decision.transitions.at(-1)?.reason).toBe("evidence_presence_in_call");
  });

  it("presence that was never read while the meeting ran asks nothing on its own: the digest lists it", () => {
    const unread = meeting({ source: "presence", liveSignalRead: false });
    expect(lifeOf(unread, minute(-60))).toMatchObject({ asked: ["late"], tasks: ["digest 2026-03-10 at 2026-03-10T21:00:00.000Z"] });
    expect(lifeOf(meeting({ source: "presence", liveSignalRead: true }), minute(-60)).asked).toEqual(["late", "suspected_missed"]);
  });

  it("keep their late and missed questions", () => {
    expect(lifeOf(meeting(), minute(-60)).asked).toEqual(["late", "suspected_missed"]);
  });
});

describe("meetings that ended before the calendar was connected", () => {
  it("are placed quietly: no question, no digest, no auto-confirmed miss", () => {
    const before = { watchedSince: minute(120) };
    expect(lifeOf(meeting(before), minute(120), { evidence: [seen("others_joined", 1)], settings: settings({ autoConfirmMinutes: 30 }) })).toEqual({
      asked: [],
      tasks: [],
      state: "suspected_missed",
    });
    expect(lifeOf(lunch(before), minute(120))).toEqual({ asked: [], tasks: [], state: "suspected_missed" });
  });

  it("one still running when the calendar was connected is asked about as usual", () => {
    expect(lifeOf(meeting({ watchedSince: minute(10) }), minute(10)).asked).toEqual(["late", "suspected_missed"]);
  });
});

describe("heads-up before the next meeting", () => {
  const previous = (overrides: Partial<{ end: Date; place: string | null; liveSignal: boolean }> = {}) => ({ id: "prev", end: START, place: "blue bottle, 66 mint st", liveSignal: false, ...overrides });
  const decideAt = (now: Date, headsUp: Parameters<typeof decide>[0]["headsUp"]) => decide({ meeting: meeting(), evidence: [], settings: settings(), now, headsUp });

  it("back to back at two places: a heads-up fifteen minutes before the start, woken for exactly then", () => {
    const facts = { start: START, place: "acme hq, 1 market st", previous: previous() };
    expect(decideAt(minute(-60), facts).recheckAt).toEqual(minute(-15));
    expect(decideAt(minute(-15), facts).alerts.map((a) => a.idempotencyKey)).toEqual(["heads_up:m1"]);
    // the same place, a gap, or a video call: nothing to point out
    expect(decideAt(minute(-15), { ...facts, place: "blue bottle, 66 mint st" }).alerts).toEqual([]);
    expect(decideAt(minute(-15), { ...facts, previous: previous({ end: minute(-20) }) }).alerts).toEqual([]);
    expect(decideAt(minute(-15), { ...facts, place: null }).alerts).toEqual([]);
  });

  it("a previous call that should be over is looked at two minutes before the start; one ending at the start is not", () => {
    const overrunPossible = { start: START, place: null, previous: previous({ end: minute(-10), place: null, liveSignal: true }) };
    expect(decideAt(minute(-60), overrunPossible).recheckAt).toEqual(minute(-2));
    expect(decideAt(minute(-2), overrunPossible).tasks).toEqual([{ kind: "check_previous_call", previousMeetingId: "prev" }]);
    const backToBack = { start: START, place: null, previous: previous({ end: START, place: null, liveSignal: true }) };
    expect(decideAt(minute(-2), backToBack).tasks).toEqual([]);
    expect(decideAt(minute(-60), backToBack).recheckAt).toEqual(START);
  });
});
