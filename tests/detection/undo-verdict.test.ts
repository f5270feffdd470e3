import { describe, expect, it } from "vitest";
import { undoVerdict } from "../../src/alerts/undo-verdict.js";

const SENT = "Can't undo: an email about this meeting has already been sent (or is on its way).";

describe("whether an answer to \"Are you sure?\" can be taken back", () => {
  it("a confirmed miss: while no draft was approved, attempted or sent", () => {
    expect(undoVerdict({ state: "missed", evidence: ["others_joined"], drafts: [] })).toEqual({ allowed: true });
    expect(undoVerdict({ state: "missed", evidence: [], drafts: [{ status: "pending", sendAttemptedAt: null }, { status: "rejected", sendAttemptedAt: null }] })).toEqual({ allowed: true });
    for (const status of ["approved", "sent", "failed"]) {
      expect(undoVerdict({ state: "missed", evidence: [], drafts: [{ status, sendAttemptedAt: null }] }), status).toEqual({ allowed: false, reason: SENT });
    }
    expect(undoVerdict({ state: "missed", evidence: [], drafts: [{ status: "pending", sendAttemptedAt: new Date() }] })).toEqual({ allowed: false, reason: SENT });
  });

  it("\"I was there\": while it is only the user's word (others joining says nothing about them)", () => {
    expect(undoVerdict({ state: "attended", evidence: ["marked_attended", "others_joined"], drafts: [] })).toEqual({ allowed: true });
    for (const seen of ["conference_joined", "presence_in_call", "checked_in"]) {
      expect(undoVerdict({ state: "attended", evidence: ["marked_attended", seen], drafts: [] }).allowed, seen).toBe(false);
    }
  });

  it("nothing to undo in any other state", () => {
    for (const state of ["upcoming", "in_progress", "late", "suspected_missed", "excused", null] as const) {
      expect(undoVerdict({ state, evidence: [], drafts: [] }).allowed, String(state)).toBe(false);
    }
  });
});
