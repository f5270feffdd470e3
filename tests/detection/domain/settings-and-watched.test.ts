import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETECTION_SETTINGS,
  detectionSettingsProblems,
} from "../../../src/detection/domain/index.js";
import { isWatched, notWatchedReason, type WatchableMeeting } from "../../../src/calendars/domain/index.js";

describe("detection settings", () => {
  it("default to a 5-minute grace, a 10-minute settle window, no auto-confirm, a digest and a 5-minute nudge", () => {
    expect(DEFAULT_DETECTION_SETTINGS).toMatchObject({ checkInPrompt: "digest", lateAlertsWithoutSignal: false, nudgeMinutes: 5 });
    expect(DEFAULT_DETECTION_SETTINGS).toMatchObject({ lateGraceMinutes: 5, settleMinutes: 10, autoConfirmMinutes: null });
    expect(detectionSettingsProblems(DEFAULT_DETECTION_SETTINGS)).toEqual([]);
  });

  it("accept the bounds themselves", () => {
    expect(detectionSettingsProblems({ ...DEFAULT_DETECTION_SETTINGS, lateGraceMinutes: 0, settleMinutes: 0, autoConfirmMinutes: 0, nudgeMinutes: 0 })).toEqual([]);
    expect(detectionSettingsProblems({ ...DEFAULT_DETECTION_SETTINGS, lateGraceMinutes: 60, settleMinutes: 240, autoConfirmMinutes: 1440, nudgeMinutes: 60 })).toEqual([]);
  });

  it("name every field out of bounds or fractional", () => {
    const problems = detectionSettingsProblems({ ...DEFAULT_DETECTION_SETTINGS, lateGraceMinutes: 61, settleMinutes: -1, autoConfirmMinutes: 2.5 });
    expect(problems.map((p) => p.field)).toEqual(["lateGraceMinutes", "settleMinutes", "autoConfirmMinutes"]);
    expect(problems[0]?.message).toBe("lateGraceMinutes must be a whole number of minutes from 0 to 60");
  });
});

describe("the watched rule", () => {
  const other = { email: "dana@client.example", isSelf: false, isResource: false, response: "accepted" };
  const self = { email: "pat@example.com", isSelf: true, isResource: false, response: "accepted" };
  const room = { email: "room-4@example.com", isSelf: false, isResource: true, response: "accepted" };
  const base: WatchableMeeting = {
    isCancelled: false,
    isAllDay: false,
    isFree: false,
    isBuffer: false,
    selfResponse: "accepted",
    attendees: [self, other],
    organizer: { email: "pat@example.com" },
    isOrganizer: true,
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

  it.each([
    [{ isCancelled: true }, "Cancelled: nothing to watch"],
    [{ selfResponse: "declined" as const }, "You declined it, so we won't ask about it"],
    [{ isAllDay: true }, "All-day event: not a meeting to join"],
    [{ isFree: true }, "Shown as free on your calendar: we don't watch it"],
    [{ attendees: [self, room] }, "No one else is invited: we don't watch it"],
  ])("says why a meeting is not watched (%o)", (overrides, reason) => {
    expect(notWatchedReason({ ...base, ...overrides })).toBe(reason);
  });

  it("gives no reason for a watched meeting", () => {
    expect(notWatchedReason(base)).toBeNull();
  });
});

describe("the organiser is another person", () => {
  const self = { email: "pat@example.com", isSelf: true, isResource: false, response: "accepted" };
  const alone: WatchableMeeting = {
    isCancelled: false,
    isAllDay: false,
    isFree: false,
    isBuffer: false,
    selfResponse: "accepted",
    attendees: [self],
    organizer: { email: "pat@example.com" },
    isOrganizer: true,
  };

  it("watches a 1:1 a colleague organises with only the user invited (Graph names the organiser only in `organizer`)", () => {
    expect(isWatched({ ...alone, organizer: { email: "lee@example.com" }, isOrganizer: false })).toBe(true);
    expect(isWatched({ ...alone, attendees: [], organizer: { email: "Lee@Example.com" }, isOrganizer: false })).toBe(true);
  });

  it("does not watch the user's own event, nor one organised by a room or by one of the user's addresses", () => {
    expect(isWatched(alone)).toBe(false);
    expect(isWatched({ ...alone, organizer: null, isOrganizer: false })).toBe(false);
    expect(isWatched({ ...alone, organizer: { email: "PAT@example.com" }, isOrganizer: false })).toBe(false);
    const room = { email: "room-4@example.com", isSelf: false, isResource: true, response: "accepted" };
    expect(isWatched({ ...alone, attendees: [self, room], organizer: { email: "room-4@example.com" }, isOrganizer: false })).toBe(false);
  });
});
