import { describe, expect, it } from "vitest";
import { inboxOrder, type DraftView } from "../../../src/recovery/drafts/draft-view.js";

const draft = (id: string, kind: DraftView["kind"], status: DraftView["status"], caseId: string | null, createdAt: string): DraftView => ({
  id, kind, caseId, meetingId: null, to: [], subject: id, body: "", status, createdAt, editedAt: null, approvedAt: null, sentAt: null, sentVia: null, messageId: null, outcomeUnknown: false, lastError: null, withdrawnReason: null,
});

describe("the drafts inbox order", () => {
  // Case A's materials note was drafted in the same millisecond as its proposal (they are drafted together).
  const drafts = [
    draft("a-materials", "materials", "pending", "A", "2026-12-02T10:00:00.000Z"),
    draft("a-proposal", "reschedule", "pending", "A", "2026-12-02T10:00:00.000Z"),
    draft("b-thanks", "thank_you", "pending", "B", "2026-12-02T12:00:00.000Z"),
    draft("late", "late_notice", "pending", null, "2026-12-02T11:00:00.000Z"),
    draft("a-sent", "late_notice", "sent", "A", "2026-12-02T09:00:00.000Z"),
    draft("c-rejected", "materials", "rejected", "C", "2026-12-02T13:00:00.000Z"),
  ];

  it("puts what waits first, a waiting late notice at the top, then the newest case first, a case's proposal before its other drafts", () => {
    expect(inboxOrder(drafts).map((d) => d.id)).toEqual(["late", "b-thanks", "a-proposal", "a-materials", "a-sent", "c-rejected"]);
  });

  it("never depends on the order the database returned", () => {
    const expected = inboxOrder(drafts).map((d) => d.id);
    for (let shift = 1; shift < drafts.length; shift++) {
      const rotated = [...drafts.slice(shift), ...drafts.slice(0, shift)];
      expect(inboxOrder(rotated).map((d) => d.id)).toEqual(expected);
      expect(inboxOrder([...rotated].reverse()).map((d) => d.id)).toEqual(expected);
    }
  });
});
