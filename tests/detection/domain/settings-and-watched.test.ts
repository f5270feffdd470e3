import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  detectionSettingsProblems,
  isWatched,
  type WatchableMeeting,
} from "../../../src/detection/domain/index.js";

describe("detection settings", () => {
  it("default to a 5-minute grace, a 10-minute settle window and no auto-confirm", () => {
    expect(DEFAULT_DETECTION_SETTINGS).toEqual({ lateGraceMinutes: 5, settleMinutes: 10, autoConfirmMinutes: null });
    expect(detectionSettingsProblems(DEFAULT_DETECTION_SETTINGS)).toEqual([]);
  });

  it("accept the bounds themselves", () => {
    expect(detectionSettingsProblems({ lateGraceMinutes: 0, settleMinutes: 0, autoConfirmMinutes: 0 })).toEqual([]);
    expect(detectionSettingsProblems({ lateGraceMinutes: 60, settleMinutes: 240, autoConfirmMinutes: 1440 })).toEqual([]);
  });

  it("name every field out of bounds or fractional", () => {
    const problems = detectionSettingsProblems({ lateGraceMinutes: 61, settleMinutes: -1, autoConfirmMinutes: 2.5 });
    expect(problems.map((p) => p.field)).toEqual(["lateGraceMinutes", "settleMinutes", "autoConfirmMinutes"]);
    expect(problems[0]?.message).toBe("lateGraceMinutes must be a whole number of minutes from 0 to 60");
  });
});

describe("the watched rule", () => {
  const other = { isSelf: false, isResource: false, response: "accepted" };
  const self = { isSelf: true, isResource: false, response: "accepted" };
  const room = { isSelf: false, isResource: true, response: "accepted" };
  const base: WatchableMeeting = {
    isCancelled: false,
    isAllDay: false,
    isFree: false,
    isBuffer: false,
    selfResponse: "accepted",
    attendees: [self, other],
  };

  it("watches a meeting with someone else in it, even one not yet answered", () => {
    expect(isWatched(base)).toBe(true);
    expect(isWatched({ ...base, selfResponse: "needs_action" })).toBe(true);
  });

  it.each([
    ["cancelled", { isCancelled: true }],
    ["all-day", { isAllDay: true }],
    ["marked free", { isFree: true }],
    ["our own buffer", { isBuffer: true }],
    ["declined", { selfResponse: "declined" as const }],
    ["alone", { attendees: [self] }],
    ["alone with a room", { attendees: [self, room] }],
  ])("does not watch a meeting that is %s", (_, overrides) => {
    expect(isWatched({ ...base, ...overrides })).toBe(false);
  });
});
