import { describe, expect, it } from "vitest";
import { DEFAULT_DETECTION_SETTINGS, decide } from "../../../src/detection/domain/index.js";
import { placeAtSight } from "../../../src/calendars/domain/index.js";
import { meeting, minute } from "./fixtures.js";

/** The sync's placement of a new meeting must be where `decide` would put it at first sight. */
describe("placing a meeting at first sight", () => {
  it.each([
    ["ahead and watched", { watched: true }, -10],
    ["starting this instant", { watched: true }, 0],
    ["under way", { watched: true }, 3],
    ["over", { watched: true }, 45],
    ["ahead, not watched", { watched: false }, -10],
  ])("%s agrees with decide", (_label, overrides, atMinute) => {
    const now = minute(atMinute);
    const firstSight = meeting({ ...overrides, state: null });
    const placed = placeAtSight(firstSight, now);
    const decided = decide({ meeting: firstSight, evidence: [], settings: DEFAULT_DETECTION_SETTINGS, now });
    if (placed.state === "upcoming") {
      // Placed: exactly the decision, and nothing is skipped by not reading it until then.
      expect(decided).toMatchObject({ next: "upcoming", transitions: [], alerts: [], tasks: [] });
      expect(placed.nextCheckAt).toEqual(decided.recheckAt);
    } else {
      // Left for the detector, due at once.
      expect(placed).toEqual({ state: null, nextCheckAt: now });
    }
  });

  it("places only a watched meeting that has not begun", () => {
    expect(placeAtSight({ watched: true, start: minute(0), liveSignal: true }, minute(-1)).state).toBe("upcoming");
    expect(placeAtSight({ watched: true, start: minute(0), liveSignal: true }, minute(0)).state).toBeNull();
    expect(placeAtSight({ watched: false, start: minute(0), liveSignal: true }, minute(-1)).state).toBeNull();
  });

  it("looks at a meeting we cannot see early enough for its nudge, and decide names the instant", () => {
    const placed = placeAtSight({ watched: true, start: minute(120), liveSignal: false }, minute(0));
    expect(placed).toEqual({ state: "upcoming", nextCheckAt: minute(60) });
    const soon = placeAtSight({ watched: true, start: minute(10), liveSignal: false }, minute(0));
    expect(soon).toEqual({ state: "upcoming", nextCheckAt: minute(0) });
  });
});
