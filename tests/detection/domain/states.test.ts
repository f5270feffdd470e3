import { describe, expect, it } from "vitest";
import {
  FINAL_STATES,
  LEGAL_TRANSITIONS,
  MEETING_STATES,
  isLegalTransition,
  type MeetingState,
} from "../../../src/detection/domain/index.js";

describe("detection states", () => {
  it("are exactly the PRODUCT §3 names, with attended, missed and excused final", () => {
    expect([...MEETING_STATES].sort()).toEqual(
      ["attended", "excused", "in_progress", "late", "missed", "suspected_missed", "upcoming"],
    );
    expect([...FINAL_STATES].sort()).toEqual(["attended", "excused", "missed"]);
  });

  it("have no arrow out of a final state and none into upcoming", () => {
    for (const { from, to } of LEGAL_TRANSITIONS) {
      expect(FINAL_STATES.has(from)).toBe(false);
      expect(to).not.toBe("upcoming");
    }
  });

  it("answer isLegalTransition from the table and nothing else", () => {
    for (const from of MEETING_STATES) {
      for (const to of MEETING_STATES) {
        const inTable = LEGAL_TRANSITIONS.some((arrow) => arrow.from === from && arrow.to === to);
        expect(isLegalTransition(from, to), `${from} -> ${to}`).toBe(inTable);
      }
    }
  });

  // Acyclic means each arrow happens at most once per meeting: state_transitions is unique on it.
  it("form an acyclic diagram", () => {
    const visiting = new Set<MeetingState>();
    const done = new Set<MeetingState>();
    const hasCycleFrom = (state: MeetingState): boolean => {
      if (visiting.has(state)) return true;
      if (done.has(state)) return false;
      visiting.add(state);
      const cyclic = LEGAL_TRANSITIONS.filter((a) => a.from === state).some((a) => hasCycleFrom(a.to));
      visiting.delete(state);
      done.add(state);
      return cyclic;
    };
    expect(MEETING_STATES.some((state) => hasCycleFrom(state))).toBe(false);
  });

  it("let every non-final state reach excused (a cancellation is always possible)", () => {
    for (const state of MEETING_STATES.filter((s) => !FINAL_STATES.has(s))) {
      expect(isLegalTransition(state, "excused"), state).toBe(true);
    }
  });
});
